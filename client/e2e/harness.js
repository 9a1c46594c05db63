// End-to-end harness: a real Mosquitto and the real service on free loopback
// ports, a fresh SQLite file per stack, and Debian's Chromium driven by
// playwright-core. Every wait is a poll bounded by a deadline.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const CLIENT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS_DIR = path.join(CLIENT_DIR, 'test-results');
const DIST_DIR = path.join(CLIENT_DIR, 'dist');
const REPO_DIR = path.resolve(CLIENT_DIR, '..');
const SERVICE_BIN = path.resolve(
  CLIENT_DIR,
  process.env.FM_BIN || path.join('..', 'target', 'debug', 'film-manager'),
);
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const POLL_INTERVAL_MS = 50;
const ACTION_TIMEOUT_MS = 10_000;

export const PASSWORD = 'password';
export const emailOf = (name) => `${name.toLowerCase()}@example.com`;

/** A port that was free a moment ago (bind to port 0, read it, close). */
export async function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** Polls `probe` until it returns a truthy value, or fails at the deadline. */
export async function waitFor(probe, { timeoutMs = 10_000, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError = null;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  const cause = lastError ? ` (last error: ${lastError.message})` : '';
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function spawnLogged(command, args, { env, logFile }) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  // Resolves on exit, also when the spawn itself failed (error event).
  child.exited = once(child, 'exit').catch(() => {});
  return child;
}

async function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await child.exited;
  clearTimeout(timer);
}

/**
 * The repository's mosquitto.conf (anonymous clients read-only, the service
 * logs in), with this broker's ports and absolute paths to its files.
 */
async function repoBrokerConfig(mqttPort, wsPort) {
  const original = await readFile(path.join(REPO_DIR, 'mosquitto.conf'), 'utf8');
  const rewrite = (line) => {
    const [key, value] = line.trim().split(/\s+/);
    if (key === 'listener' && value === '1883') return `listener ${mqttPort} 127.0.0.1`;
    if (key === 'listener' && value === '8080') return `listener ${wsPort} 127.0.0.1`;
    if (key === 'password_file' || key === 'acl_file') {
      return `${key} ${path.join(REPO_DIR, value)}`;
    }
    return line;
  };
  return original.split('\n').map(rewrite);
}

/** Mosquitto configured as the repository's mosquitto.conf, on free ports. */
export class Broker {
  constructor(dir, mqttPort, wsPort, logFile) {
    this.dir = dir;
    this.mqttPort = mqttPort;
    this.wsPort = wsPort;
    this.logFile = logFile;
    this.process = null;
  }

  get mqttUrl() {
    return `mqtt://127.0.0.1:${this.mqttPort}`;
  }

  get wsUrl() {
    return `ws://127.0.0.1:${this.wsPort}`;
  }

  async start() {
    const configFile = path.join(this.dir, 'mosquitto.conf');
    await writeFile(
      configFile,
      [
        ...(await repoBrokerConfig(this.mqttPort, this.wsPort)),
        'log_type error',
        'log_type warning',
        'log_type notice',
        '',
      ].join('\n'),
    );
    this.process = spawnLogged('mosquitto', ['-c', configFile], {
      env: process.env,
      logFile: this.logFile,
    });
    await waitFor(
      async () => {
        if (this.process.exitCode !== null) throw new Error('mosquitto exited; see its log');
        return (await canConnect(this.mqttPort)) && (await canConnect(this.wsPort));
      },
      { timeoutMs: READY_TIMEOUT_MS, what: `mosquitto on ${this.mqttPort}/${this.wsPort}` },
    );
  }

  async stop() {
    await stopProcess(this.process);
    this.process = null;
  }

  /** Kills the broker (its retained messages are lost) and starts a new one. */
  async restart() {
    await this.stop();
    await this.start();
  }
}

/** The film-manager binary serving the built client, on free ports. */
export class Service {
  constructor({ dir, broker, logFile, extraEnv = {} }) {
    this.dir = dir;
    this.broker = broker;
    this.logFile = logFile;
    this.extraEnv = extraEnv;
    this.process = null;
    this.port = null;
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    if (!existsSync(SERVICE_BIN)) {
      throw new Error(`Service binary ${SERVICE_BIN} is missing: run cargo build (or set FM_BIN)`);
    }
    if (!existsSync(path.join(DIST_DIR, 'index.html'))) {
      throw new Error(`${DIST_DIR}/index.html is missing: run npm run build first`);
    }
    this.port = await freePort();
    const env = {
      ...process.env,
      FM_HTTP_BIND: `127.0.0.1:${this.port}`,
      FM_WS_BIND: '',
      FM_MQTT_URL: this.broker.mqttUrl,
      FM_MQTT_WS_URL: this.broker.wsUrl,
      FM_DB_PATH: path.join(this.dir, 'fm.db'),
      FM_STATIC_DIR: DIST_DIR,
      RUST_LOG: process.env.RUST_LOG || 'info',
      ...this.extraEnv,
    };
    this.process = spawnLogged(SERVICE_BIN, [], { env, logFile: this.logFile });
    await waitFor(
      async () => {
        if (this.process.exitCode !== null) throw new Error('the service exited; see its log');
        const response = await fetch(`${this.baseUrl}/api`);
        return response.status === 200;
      },
      { timeoutMs: READY_TIMEOUT_MS, what: `GET ${this.baseUrl}/api to answer 200` },
    );
  }

  async stop() {
    await stopProcess(this.process);
    this.process = null;
  }
}

/**
 * Starts a fresh broker and service for one test file.
 * @param {string} name names the log folder under test-results/
 * @param {object} [options.serviceEnv] extra environment for the service
 */
export async function startStack(name, { serviceEnv = {} } = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), `fm-e2e-${name}-`));
  const logDir = path.join(RESULTS_DIR, name);
  await mkdir(logDir, { recursive: true });

  const broker = new Broker(
    dir,
    await freePort(),
    await freePort(),
    path.join(logDir, 'mosquitto.log'),
  );
  const service = new Service({
    dir,
    broker,
    logFile: path.join(logDir, 'service.log'),
    extraEnv: serviceEnv,
  });

  const stack = {
    broker,
    service,
    get baseUrl() {
      return service.baseUrl;
    },
    async stop() {
      await service.stop();
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await broker.start();
    await service.start();
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}

/** Debian's Chromium, headless, as the team standards require. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Opens a new browser context and logs `name` in through the log-in page. */
export async function loggedInPage(browser, baseUrl, name) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
  try {
    await page.goto(`${baseUrl}/login`);
    await page.getByLabel('Email').fill(emailOf(name));
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('current-user').filter({ hasText: name }).waitFor();
  } catch (error) {
    await screenshot(page, `failed-login-${name}`);
    const html = (await page.content()).slice(0, 2000);
    error.message += `\nconsole:\n${consoleLines.join('\n')}\npage:\n${html}`;
    throw error;
  }
  return page;
}

/** Logs in over REST and returns { user, cookie } for direct API calls. */
export async function apiLogIn(baseUrl, name) {
  const response = await fetch(`${baseUrl}/api/users/authenticator`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: emailOf(name), password: PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`log-in of ${name}: ${response.status}`);
  const cookie = response.headers.get('set-cookie').split(';')[0];
  return { user: await response.json(), cookie };
}

/** Writes a full-page screenshot to test-results/<name>.png. */
export async function screenshot(page, name) {
  await mkdir(RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS_DIR, `${name}.png`), fullPage: true });
}

/** Waits until the row of a film on Public to Review shows `holder` ('' = nobody). */
export async function waitForHolder(page, filmId, holder, timeoutMs = 10_000) {
  await page.waitForFunction(
    ([id, expected]) => {
      const row = document.querySelector(`[data-testid="to-review-${id}"]`);
      const cell = document.querySelector(`[data-testid="holder-${id}"]`);
      return Boolean(
        row && cell && row.dataset.holder === expected && !cell.textContent.includes('waiting'),
      );
    },
    [filmId, holder],
    { timeout: timeoutMs, polling: POLL_INTERVAL_MS },
  );
}
