-- +goose Up
-- Extra headers of an outbox mail (issue 12), as a JSON object: the
-- List-Unsubscribe and List-Unsubscribe-Post pair of the mails about a
-- subscription. Service mails leave it empty: they never carry them.
ALTER TABLE outbox_messages ADD COLUMN headers TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE outbox_messages DROP COLUMN headers;
