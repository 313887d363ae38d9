-- +goose Up
-- Marketing preferences (issue 12): topics kept as data, the consent
-- ledger's pseudonymous subjects, the append-only ledger itself (the
-- database refuses edits, as for the audit log), the erasable request
-- evidence of each event, and the current state derived from the ledger.
CREATE TABLE consent_topics (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL,
    sort BIGINT NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    channels TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX idx_consent_topics_key ON consent_topics (key);

CREATE TABLE consent_subjects (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    email_hash TEXT,
    created_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX idx_consent_subjects_user_id ON consent_subjects (user_id);
CREATE UNIQUE INDEX idx_consent_subjects_email_hash ON consent_subjects (email_hash);

CREATE TABLE consent_events (
    id BIGSERIAL PRIMARY KEY,
    subject_id BIGINT NOT NULL REFERENCES consent_subjects (id),
    purpose TEXT NOT NULL,
    topic TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    method TEXT NOT NULL,
    policy_version TEXT NOT NULL DEFAULT '',
    wording_hash TEXT NOT NULL DEFAULT '',
    locale TEXT NOT NULL DEFAULT '',
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_consent_events_subject ON consent_events (subject_id, at);

-- +goose StatementBegin
CREATE FUNCTION consent_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'consent_events is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER consent_events_no_change BEFORE UPDATE OR DELETE ON consent_events
FOR EACH ROW EXECUTE FUNCTION consent_events_append_only();
-- TRUNCATE fires no row trigger: refused on its own.
CREATE TRIGGER consent_events_no_truncate BEFORE TRUNCATE ON consent_events
FOR EACH STATEMENT EXECUTE FUNCTION consent_events_append_only();

CREATE TABLE consent_evidences (
    event_id BIGINT PRIMARY KEY REFERENCES consent_events (id),
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
);

CREATE TABLE consent_states (
    subject_id BIGINT NOT NULL REFERENCES consent_subjects (id),
    purpose TEXT NOT NULL,
    topic TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    pending_until TIMESTAMPTZ,
    event_id BIGINT NOT NULL,
    updated_at TIMESTAMPTZ,
    PRIMARY KEY (subject_id, purpose, topic, channel)
);
CREATE INDEX idx_consent_states_audience ON consent_states (purpose, topic, channel, status);
-- The hourly expiry of unconfirmed opt-ins finds them without a scan.
CREATE INDEX idx_consent_states_pending ON consent_states (status, pending_until);

-- +goose Down
DROP TABLE consent_states;
DROP TABLE consent_evidences;
DROP TABLE consent_events;
DROP FUNCTION consent_events_append_only();
DROP TABLE consent_subjects;
DROP TABLE consent_topics;
