-- +goose Up
-- Marketing preferences (issue 12): topics kept as data, the consent
-- ledger's pseudonymous subjects, the append-only ledger itself (the
-- database refuses edits, as for the audit log), the erasable request
-- evidence of each event, and the current state derived from the ledger.
CREATE TABLE consent_topics (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    sort INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    channels TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at DATETIME,
    updated_at DATETIME
);
CREATE UNIQUE INDEX idx_consent_topics_key ON consent_topics (key);

CREATE TABLE consent_subjects (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    email_hash TEXT,
    created_at DATETIME
);
CREATE UNIQUE INDEX idx_consent_subjects_user_id ON consent_subjects (user_id);
CREATE UNIQUE INDEX idx_consent_subjects_email_hash ON consent_subjects (email_hash);

CREATE TABLE consent_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subject_id INTEGER NOT NULL REFERENCES consent_subjects (id),
    purpose TEXT NOT NULL,
    topic TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    method TEXT NOT NULL,
    policy_version TEXT NOT NULL DEFAULT '',
    wording_hash TEXT NOT NULL DEFAULT '',
    locale TEXT NOT NULL DEFAULT '',
    at DATETIME NOT NULL
);
CREATE INDEX idx_consent_events_subject ON consent_events (subject_id, at);
CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
BEGIN SELECT RAISE(ABORT, 'consent_events is append-only'); END;
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
BEGIN SELECT RAISE(ABORT, 'consent_events is append-only'); END;

CREATE TABLE consent_evidences (
    event_id INTEGER PRIMARY KEY REFERENCES consent_events (id),
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
);

CREATE TABLE consent_states (
    subject_id INTEGER NOT NULL REFERENCES consent_subjects (id),
    purpose TEXT NOT NULL,
    topic TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    pending_until DATETIME,
    event_id INTEGER NOT NULL,
    updated_at DATETIME,
    PRIMARY KEY (subject_id, purpose, topic, channel)
);
CREATE INDEX idx_consent_states_audience ON consent_states (purpose, topic, channel, status);
-- The hourly expiry of unconfirmed opt-ins finds them without a scan.
CREATE INDEX idx_consent_states_pending ON consent_states (status, pending_until);

-- +goose Down
DROP TABLE consent_states;
DROP TABLE consent_evidences;
DROP TABLE consent_events;
DROP TABLE consent_subjects;
DROP TABLE consent_topics;
