-- +goose Up
CREATE TABLE settings (
    name VARCHAR(100) PRIMARY KEY,
    value TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by BIGINT REFERENCES users (id) ON DELETE SET NULL
);

ALTER TABLE job_schedules ADD COLUMN last_run_at TIMESTAMPTZ;
ALTER TABLE job_schedules ADD COLUMN last_job_id BIGINT;

-- +goose Down
ALTER TABLE job_schedules DROP COLUMN last_job_id;
ALTER TABLE job_schedules DROP COLUMN last_run_at;
DROP TABLE settings;
