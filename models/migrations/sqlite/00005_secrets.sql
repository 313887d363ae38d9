-- +goose Up
-- Sealed TOTP secrets, keyed hashes ("v<n>:" + 64 hex digits) and the
-- sealed code of an outbox mail: SQLite's TEXT columns need no widening.
ALTER TABLE outbox_messages ADD COLUMN sealed_code TEXT NOT NULL DEFAULT '';

-- One row, written by `portal demo` only. It is not a setting: no admin
-- screen may turn an installation into a demo, since a demo shows the
-- one-time codes in the outbox.
CREATE TABLE installations (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    demo BOOLEAN NOT NULL DEFAULT FALSE,
    created_at DATETIME
);

-- +goose Down
DROP TABLE installations;
ALTER TABLE outbox_messages DROP COLUMN sealed_code;
