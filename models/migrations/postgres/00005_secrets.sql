-- +goose Up
-- A sealed TOTP secret is "v<n>:" + base64url (about 90 characters); keyed
-- hashes are "v<n>:" + 64 hex digits.
ALTER TABLE users ALTER COLUMN totp_secret TYPE VARCHAR(255);
ALTER TABLE users ALTER COLUMN totp_pending_secret TYPE VARCHAR(255);
ALTER TABLE recovery_codes ALTER COLUMN code_hash TYPE VARCHAR(128);
ALTER TABLE email_codes ALTER COLUMN code_hash TYPE VARCHAR(128);
ALTER TABLE sign_in_throttles ALTER COLUMN key_hash TYPE VARCHAR(128);
ALTER TABLE outbox_messages ADD COLUMN sealed_code TEXT NOT NULL DEFAULT '';

-- One row, written by `portal demo` only. It is not a setting: no admin
-- screen may turn an installation into a demo, since a demo shows the
-- one-time codes in the outbox.
CREATE TABLE installations (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    demo BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ
);

-- +goose Down
DROP TABLE installations;
ALTER TABLE outbox_messages DROP COLUMN sealed_code;
-- The widened columns stay wide: narrowing would fail on the values they
-- now hold, and a wider column harms nothing.
