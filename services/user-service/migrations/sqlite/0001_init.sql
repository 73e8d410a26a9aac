-- user-service schema v1: accounts and refresh tokens. Times are Unix milliseconds.
CREATE TABLE users (
  id            TEXT PRIMARY KEY,          -- UUIDv7: creation order, keyset pagination
  email         TEXT NOT NULL UNIQUE,      -- normalised (trimmed, lower-case): unique regardless of case
  name          TEXT NOT NULL,
  password_hash TEXT NOT NULL,             -- Argon2id encoded string (parameters included)
  is_admin      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);

-- Opaque refresh tokens, stored only as SHA-256 hex. One family per login; rotation stays in it.
CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  family_id  TEXT NOT NULL,
  user_id    TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER,
  revoked_at INTEGER
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);
