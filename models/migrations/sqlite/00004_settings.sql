-- +goose Up
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    updated_at DATETIME NOT NULL,
    updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL
);

ALTER TABLE job_schedules ADD COLUMN last_run_at DATETIME;
ALTER TABLE job_schedules ADD COLUMN last_job_id INTEGER;

-- +goose Down
ALTER TABLE job_schedules DROP COLUMN last_job_id;
ALTER TABLE job_schedules DROP COLUMN last_run_at;
DROP TABLE settings;
