-- +goose Up
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email VARCHAR(320) NOT NULL,
    password_hash VARCHAR(255) NOT NULL DEFAULT '',
    role VARCHAR(16) NOT NULL,
    name VARCHAR(200) NOT NULL DEFAULT '',
    locale VARCHAR(16) NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX idx_users_email ON users (email);
CREATE INDEX idx_users_role ON users (role);

CREATE TABLE sessions (
    id BIGSERIAL PRIMARY KEY,
    token_hash VARCHAR(64) NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    data TEXT NOT NULL DEFAULT '',
    ip VARCHAR(64) NOT NULL DEFAULT '',
    user_agent VARCHAR(512) NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX idx_sessions_token_hash ON sessions (token_hash);
CREATE INDEX idx_sessions_user_id ON sessions (user_id);
CREATE INDEX idx_sessions_expires_at ON sessions (expires_at);

CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    kind VARCHAR(100) NOT NULL,
    payload TEXT NOT NULL DEFAULT '',
    status VARCHAR(16) NOT NULL,
    run_at TIMESTAMPTZ NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL DEFAULT 5,
    locked_by VARCHAR(100) NOT NULL DEFAULT '',
    locked_until TIMESTAMPTZ,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ
);
CREATE INDEX idx_jobs_kind ON jobs (kind);
CREATE INDEX idx_jobs_claim ON jobs (status, run_at);

CREATE TABLE job_schedules (
    name VARCHAR(100) PRIMARY KEY,
    kind VARCHAR(100) NOT NULL,
    interval_seconds BIGINT NOT NULL,
    next_run_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ
);

CREATE TABLE outbox_messages (
    id BIGSERIAL PRIMARY KEY,
    to_address VARCHAR(320) NOT NULL,
    template VARCHAR(100) NOT NULL,
    locale VARCHAR(16) NOT NULL,
    subject VARCHAR(400) NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    status VARCHAR(16) NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ,
    sent_at TIMESTAMPTZ
);
CREATE INDEX idx_outbox_messages_status ON outbox_messages (status);
CREATE INDEX idx_outbox_messages_created_at ON outbox_messages (created_at);

CREATE TABLE audit_entries (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL,
    actor_id BIGINT,
    actor_role VARCHAR(16) NOT NULL DEFAULT '',
    action VARCHAR(100) NOT NULL,
    target_type VARCHAR(50) NOT NULL DEFAULT '',
    target_id VARCHAR(100) NOT NULL DEFAULT '',
    ip VARCHAR(64) NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT '',
    prev_hash VARCHAR(64) NOT NULL,
    hash VARCHAR(64) NOT NULL
);
CREATE INDEX idx_audit_entries_created_at ON audit_entries (created_at);
CREATE INDEX idx_audit_entries_actor_id ON audit_entries (actor_id);
CREATE INDEX idx_audit_entries_action ON audit_entries (action);
CREATE UNIQUE INDEX idx_audit_entries_hash ON audit_entries (hash);

-- +goose StatementBegin
-- The audit log is append-only: the database itself refuses edits.
CREATE FUNCTION audit_entries_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_entries is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries
FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();

-- +goose Down
DROP TABLE audit_entries;
DROP FUNCTION audit_entries_append_only();
DROP TABLE outbox_messages;
DROP TABLE job_schedules;
DROP TABLE jobs;
DROP TABLE sessions;
DROP TABLE users;
