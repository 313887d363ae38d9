-- +goose Up
-- Erasure and retention (issue 13).

-- The tax included in an order's total: the invoice shows it, and
-- bookkeeping keeps it after an erasure.
ALTER TABLE orders ADD COLUMN tax_cents INTEGER NOT NULL DEFAULT 0;

-- The report of an erasure is mailed to someone the portal must then
-- forget: once delivered, its address and bodies are cleared.
ALTER TABLE outbox_messages ADD COLUMN forget BOOLEAN NOT NULL DEFAULT FALSE;

-- Per data category, what erasure does (delete, retain, pseudonymize,
-- suppress); seeded at start-up, edited by admins.
CREATE TABLE erasure_strategies (
    category TEXT PRIMARY KEY,
    strategy TEXT NOT NULL,
    legal_basis TEXT NOT NULL DEFAULT '',
    retain_years INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ
);

-- One row per approved erasure request: its cool-off, its run and the
-- address its report goes to (cleared once that mail is sent).
CREATE TABLE erasures (
    id BIGSERIAL PRIMARY KEY,
    request_id BIGINT REFERENCES privacy_requests (id) ON DELETE SET NULL,
    user_id BIGINT,
    subject_ref TEXT NOT NULL DEFAULT '',
    categories TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    cool_off_until TIMESTAMPTZ NOT NULL,
    waived_at TIMESTAMPTZ,
    cancelled_at TIMESTAMPTZ,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    report_email TEXT NOT NULL DEFAULT '',
    report_locale TEXT NOT NULL DEFAULT '',
    report_mail_id BIGINT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX idx_erasures_request_id ON erasures (request_id);
CREATE INDEX idx_erasures_user_id ON erasures (user_id);
CREATE INDEX idx_erasures_status ON erasures (status, cool_off_until);

-- A category of an erasure, written in the transaction that erased it: a
-- resumed run skips it.
CREATE TABLE erasure_steps (
    erasure_id BIGINT NOT NULL REFERENCES erasures (id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    strategy TEXT NOT NULL,
    removed BIGINT NOT NULL DEFAULT 0,
    retained BIGINT NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT '',
    basis TEXT NOT NULL DEFAULT '',
    retained_until TIMESTAMPTZ,
    done_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (erasure_id, category)
);

-- What bookkeeping law keeps of an erased customer's orders, and nothing
-- more, until retain_until.
CREATE TABLE retained_invoices (
    id BIGSERIAL PRIMARY KEY,
    erasure_id BIGINT REFERENCES erasures (id) ON DELETE SET NULL,
    number TEXT NOT NULL,
    issued_at TIMESTAMPTZ NOT NULL,
    buyer_name TEXT NOT NULL DEFAULT '',
    billing_address TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL,
    total_cents BIGINT NOT NULL,
    tax_cents BIGINT NOT NULL DEFAULT 0,
    items TEXT NOT NULL DEFAULT '',
    payment_reference TEXT NOT NULL DEFAULT '',
    legal_basis TEXT NOT NULL DEFAULT '',
    retain_until TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_retained_invoices_erasure_id ON retained_invoices (erasure_id);
CREATE INDEX idx_retained_invoices_retain_until ON retained_invoices (retain_until);

-- Keyed hashes of addresses that must never get marketing again.
CREATE TABLE suppressions (
    hash TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    created_at TIMESTAMPTZ
);

-- The other systems holding customer data, and what was passed on to them.
CREATE TABLE connected_systems (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    secret_sealed TEXT NOT NULL DEFAULT '',
    token_hash TEXT NOT NULL DEFAULT '',
    instructions TEXT NOT NULL DEFAULT '',
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ
);
CREATE INDEX idx_connected_systems_token_hash ON connected_systems (token_hash);

CREATE TABLE system_tasks (
    id BIGSERIAL PRIMARY KEY,
    system_id BIGINT NOT NULL REFERENCES connected_systems (id) ON DELETE CASCADE,
    request_id BIGINT REFERENCES privacy_requests (id) ON DELETE SET NULL,
    erasure_id BIGINT REFERENCES erasures (id) ON DELETE SET NULL,
    event TEXT NOT NULL,
    status TEXT NOT NULL,
    message_id TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    done_by_kind TEXT NOT NULL DEFAULT '',
    done_by_id BIGINT,
    done_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ
);
CREATE INDEX idx_system_tasks_system_id ON system_tasks (system_id);
CREATE INDEX idx_system_tasks_request_id ON system_tasks (request_id);
CREATE INDEX idx_system_tasks_erasure_id ON system_tasks (erasure_id);
CREATE INDEX idx_system_tasks_status ON system_tasks (status);
CREATE UNIQUE INDEX idx_system_tasks_message_id ON system_tasks (message_id);

CREATE TABLE webhook_deliveries (
    id BIGSERIAL PRIMARY KEY,
    task_id BIGINT NOT NULL REFERENCES system_tasks (id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    status_code INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    duration_ms BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_webhook_deliveries_task_id ON webhook_deliveries (task_id);
CREATE INDEX idx_webhook_deliveries_created_at ON webhook_deliveries (created_at);

-- Vault files whose rows are gone, until the files are too.
CREATE TABLE vault_deletions (
    file_key TEXT PRIMARY KEY,
    created_at TIMESTAMPTZ
);

-- The warning mailed to a dormant account before retention erases it.
CREATE TABLE dormancy_notices (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    warned_at TIMESTAMPTZ NOT NULL,
    erases_at TIMESTAMPTZ NOT NULL
);

-- Retention reads contact history, sign-ins and paid photos by age,
-- across customers.
CREATE INDEX idx_contact_messages_created_at ON contact_messages (created_at);
CREATE INDEX idx_login_events_created_at ON login_events (created_at);
CREATE INDEX idx_photos_paid_at ON photos (paid_at);

-- +goose Down
DROP INDEX idx_photos_paid_at;
DROP INDEX idx_login_events_created_at;
DROP INDEX idx_contact_messages_created_at;
DROP TABLE dormancy_notices;
DROP TABLE vault_deletions;
DROP TABLE webhook_deliveries;
DROP TABLE system_tasks;
DROP TABLE connected_systems;
DROP TABLE suppressions;
DROP TABLE retained_invoices;
DROP TABLE erasure_steps;
DROP TABLE erasures;
DROP TABLE erasure_strategies;
ALTER TABLE orders DROP COLUMN tax_cents;
ALTER TABLE outbox_messages DROP COLUMN forget;
