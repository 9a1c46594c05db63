-- Films, users and review invitations, with the course's table and column
-- names. The two selection rules are enforced here as a last line of
-- defence; the actors enforce them first.

CREATE TABLE users (
    id    INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name  TEXT NOT NULL,
    hash  TEXT NOT NULL
);

-- AUTOINCREMENT: ids are never reused, so a film's MQTT topic always names
-- the same film, even after it was deleted.
CREATE TABLE films (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    title     TEXT NOT NULL,
    owner     INTEGER NOT NULL REFERENCES users(id),
    private   INTEGER NOT NULL CHECK (private IN (0, 1)),
    watchDate TEXT,
    rating    INTEGER CHECK (rating BETWEEN 1 AND 10),
    favorite  INTEGER CHECK (favorite IN (0, 1))
);

CREATE INDEX films_by_owner ON films(owner, private);

CREATE TABLE reviews (
    filmId     INTEGER NOT NULL REFERENCES films(id) ON DELETE CASCADE,
    reviewerId INTEGER NOT NULL REFERENCES users(id),
    completed  INTEGER NOT NULL DEFAULT 0 CHECK (completed IN (0, 1)),
    reviewDate TEXT,
    rating     INTEGER CHECK (rating BETWEEN 1 AND 10),
    review     TEXT CHECK (length(review) <= 1000),
    active     INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
    PRIMARY KEY (filmId, reviewerId),
    CHECK (NOT (active = 1 AND completed = 1))
);

CREATE INDEX reviews_by_reviewer ON reviews(reviewerId);

-- A public film is the active film of at most one user.
CREATE UNIQUE INDEX reviews_one_active_per_film ON reviews(filmId) WHERE active = 1;

-- A user has at most one active film.
CREATE UNIQUE INDEX reviews_one_active_per_reviewer ON reviews(reviewerId) WHERE active = 1;
