# Shared helpers of scripts/run and scripts/test; sourced, not executed.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Where cargo puts what it builds (CARGO_TARGET_DIR, as cargo reads it).
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
NODE_MIN_MAJOR=20
NODE_MIN_MINOR=19
APT_UPDATED=0

log() { printf '\n==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# Runs a command as root: directly, or through sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "root rights needed for: $* (run as root or install sudo)"
    fi
}

# Installs Debian packages; runs apt-get update once per script run.
apt_install() {
    command -v apt-get >/dev/null 2>&1 ||
        die "apt-get not found; install these packages yourself: $*"
    if [ "$APT_UPDATED" -eq 0 ]; then
        log "apt-get update"
        as_root apt-get update -q || die "apt-get update failed"
        APT_UPDATED=1
    fi
    log "apt-get install $*"
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "$@" ||
        die "apt-get install $* failed"
}

# Installs package $2 unless command $1 exists.
ensure_command() {
    command -v "$1" >/dev/null 2>&1 || apt_install "$2"
    command -v "$1" >/dev/null 2>&1 || die "$1 still missing after installing $2"
}

# Whether something accepts TCP connections on host $1, port $2.
listening() {
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# Checks the Rust toolchain (the Debian package is too old for edition 2024).
require_cargo() {
    command -v cargo >/dev/null 2>&1 ||
        die "cargo not found: install Rust 1.85 or newer with rustup (https://rustup.rs)"
}

# Makes sure Node.js >= 20.19 and npm exist (installing Debian's if absent).
require_node() {
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        apt_install nodejs npm
    fi
    local version major minor
    version="$(node --version)"
    version="${version#v}"
    major="${version%%.*}"
    minor="${version#*.}"
    minor="${minor%%.*}"
    if [ "$major" -lt "$NODE_MIN_MAJOR" ] ||
        { [ "$major" -eq "$NODE_MIN_MAJOR" ] && [ "$minor" -lt "$NODE_MIN_MINOR" ]; }; then
        die "Node.js $version is too old for the web client (needs >= $NODE_MIN_MAJOR.$NODE_MIN_MINOR)"
    fi
}

# Installs the web client's packages exactly as locked.
npm_ci() {
    [ -f "$ROOT/client/package-lock.json" ] ||
        die "client/package-lock.json missing: run 'npm install' in client/ and commit the lock file"
    log "npm ci (client/)"
    (cd "$ROOT/client" && npm ci --no-audit --no-fund) || die "npm ci failed in client/"
}
