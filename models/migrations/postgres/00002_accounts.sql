-- +goose Up
ALTER TABLE users ADD COLUMN totp_secret VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_pending_secret VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled_at TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_changed_at TIMESTAMPTZ;

CREATE TABLE recovery_codes (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash VARCHAR(64) NOT NULL,
    used_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ
);
CREATE INDEX idx_recovery_codes_user_id ON recovery_codes (user_id);

CREATE TABLE email_codes (
    id BIGSERIAL PRIMARY KEY,
    email VARCHAR(320) NOT NULL,
    purpose VARCHAR(16) NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    code_hash VARCHAR(64) NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ
);
CREATE INDEX idx_email_codes_lookup ON email_codes (email, purpose);
CREATE INDEX idx_email_codes_user_id ON email_codes (user_id);

CREATE TABLE sign_in_throttles (
    key_hash VARCHAR(64) PRIMARY KEY,
    failures BIGINT NOT NULL DEFAULT 0,
    hour_start TIMESTAMPTZ NOT NULL,
    hour_failures BIGINT NOT NULL DEFAULT 0,
    locked_until TIMESTAMPTZ,
    next_allowed_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ
);

CREATE TABLE login_events (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    event VARCHAR(32) NOT NULL,
    method VARCHAR(16) NOT NULL DEFAULT '',
    ip VARCHAR(64) NOT NULL DEFAULT '',
    user_agent VARCHAR(512) NOT NULL DEFAULT ''
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
