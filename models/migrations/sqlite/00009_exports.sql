-- +goose Up
-- Download packages (issue 11): one row per ZIP of a customer's data, the
-- file itself encrypted in the vault under file_key. A build that dies
-- leaves the row "building"; the rerun takes a new file_key and deletes
-- the file of the attempt before it: never two packages for one ask.
CREATE TABLE exports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    request_id INTEGER REFERENCES privacy_requests (id) ON DELETE SET NULL,
    status TEXT NOT NULL,
    categories TEXT NOT NULL DEFAULT '',
    locale TEXT NOT NULL DEFAULT '',
    step TEXT NOT NULL DEFAULT '',
    progress INTEGER NOT NULL DEFAULT 0,
    file_key TEXT NOT NULL DEFAULT '',
    job_id INTEGER,
    size_bytes INTEGER NOT NULL DEFAULT 0,
    sha256 TEXT NOT NULL DEFAULT '',
    failure TEXT NOT NULL DEFAULT '',
    requested_by_kind TEXT NOT NULL,
    requested_by_id INTEGER,
    created_at DATETIME NOT NULL,
    started_at DATETIME,
    ready_at DATETIME,
    expires_at DATETIME,
    notified_at DATETIME,
    deleted_at DATETIME,
    downloads INTEGER NOT NULL DEFAULT 0,
    last_download_at DATETIME
);
CREATE INDEX idx_exports_user ON exports (user_id, created_at);
CREATE INDEX idx_exports_request_id ON exports (request_id);
CREATE INDEX idx_exports_status ON exports (status, expires_at);

-- A staff note may be withheld from the customer's export under an
-- exemption (another person's rights, legal privilege).
ALTER TABLE request_notes ADD COLUMN withheld TEXT NOT NULL DEFAULT '';
ALTER TABLE request_notes ADD COLUMN withheld_at DATETIME;

-- +goose Down
ALTER TABLE request_notes DROP COLUMN withheld_at;
ALTER TABLE request_notes DROP COLUMN withheld;
DROP TABLE exports;
