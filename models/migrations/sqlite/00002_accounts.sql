-- +goose Up
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_pending_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled_at DATETIME;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_changed_at DATETIME;

CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at DATETIME,
    created_at DATETIME
);
CREATE INDEX idx_recovery_codes_user_id ON recovery_codes (user_id);

CREATE TABLE email_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    purpose TEXT NOT NULL,
    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    expires_at DATETIME NOT NULL,
    used_at DATETIME,
    created_at DATETIME
);
CREATE INDEX idx_email_codes_lookup ON email_codes (email, purpose);
CREATE INDEX idx_email_codes_user_id ON email_codes (user_id);

CREATE TABLE sign_in_throttles (
    key_hash TEXT PRIMARY KEY,
    failures INTEGER NOT NULL DEFAULT 0,
    hour_start DATETIME NOT NULL,
    hour_failures INTEGER NOT NULL DEFAULT 0,
    locked_until DATETIME,
    next_allowed_at DATETIME,
    updated_at DATETIME
);

CREATE TABLE login_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at DATETIME NOT NULL,
    event TEXT NOT NULL,
    method TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_login_events_user ON login_events (user_id, created_at);

-- +goose Down
DROP TABLE login_events;
DROP TABLE sign_in_throttles;
DROP TABLE email_codes;
DROP TABLE recovery_codes;
ALTER TABLE users DROP COLUMN password_changed_at;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN totp_enabled_at;
ALTER TABLE users DROP COLUMN totp_pending_secret;
ALTER TABLE users DROP COLUMN totp_secret;
