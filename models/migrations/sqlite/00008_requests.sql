-- +goose Up
-- Privacy requests (issue 10): the request with its deadline and
-- verification evidence, its timeline, the messages with the requester,
-- staff's internal notes (a table of their own, so no requester query can
-- reach them), structured corrections, public-form codes, ID documents
-- (the file is in the encrypted store; the row stays as evidence), legal
-- holds, restrictions and objections to direct marketing.
CREATE TABLE privacy_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    channel TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    requester_email TEXT NOT NULL,
    requester_name TEXT NOT NULL DEFAULT '',
    locale TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT '',
    categories TEXT NOT NULL DEFAULT '',
    objection_ground TEXT NOT NULL DEFAULT '',
    agent_name TEXT NOT NULL DEFAULT '',
    agent_email TEXT NOT NULL DEFAULT '',
    received_at DATETIME NOT NULL,
    verified_at DATETIME,
    email_verified_at DATETIME,
    first_due_at DATETIME NOT NULL,
    due_at DATETIME NOT NULL,
    extended_at DATETIME,
    extension_reason TEXT NOT NULL DEFAULT '',
    paused_at DATETIME,
    assignee_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    duplicate_of_id INTEGER REFERENCES privacy_requests (id) ON DELETE SET NULL,
    repeat_of_id INTEGER REFERENCES privacy_requests (id) ON DELETE SET NULL,
    verification_method TEXT NOT NULL DEFAULT '',
    verification_note TEXT NOT NULL DEFAULT '',
    verified_by_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    document_required INTEGER NOT NULL DEFAULT 0,
    doubt_reason TEXT NOT NULL DEFAULT '',
    declared_at DATETIME,
    deny_code TEXT NOT NULL DEFAULT '',
    deny_text TEXT NOT NULL DEFAULT '',
    status_token_hash TEXT NOT NULL DEFAULT '',
    reminder_sent_at DATETIME,
    overdue_sent_at DATETIME,
    closed_at DATETIME,
    created_at DATETIME,
    updated_at DATETIME
);
CREATE INDEX idx_privacy_requests_user ON privacy_requests (user_id);
CREATE INDEX idx_privacy_requests_queue ON privacy_requests (status, due_at);
CREATE INDEX idx_privacy_requests_kind ON privacy_requests (kind, status, due_at);
CREATE INDEX idx_privacy_requests_assignee ON privacy_requests (assignee_id, status, due_at);
CREATE INDEX idx_privacy_requests_requester_email ON privacy_requests (requester_email);
CREATE INDEX idx_privacy_requests_status_token_hash ON privacy_requests (status_token_hash);

CREATE TABLE request_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES privacy_requests (id) ON DELETE CASCADE,
    at DATETIME NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id INTEGER,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_request_events_request ON request_events (request_id, at);

CREATE TABLE request_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES privacy_requests (id) ON DELETE CASCADE,
    at DATETIME NOT NULL,
    author_kind TEXT NOT NULL,
    author_id INTEGER,
    body TEXT NOT NULL
);
CREATE INDEX idx_request_messages_request ON request_messages (request_id, at);

CREATE TABLE request_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES privacy_requests (id) ON DELETE CASCADE,
    at DATETIME NOT NULL,
    author_id INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX idx_request_notes_request ON request_notes (request_id, at);

CREATE TABLE request_corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES privacy_requests (id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    record_id INTEGER NOT NULL DEFAULT 0,
    field TEXT NOT NULL,
    current_value TEXT NOT NULL DEFAULT '',
    proposed_value TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    applied_at DATETIME
);
CREATE INDEX idx_request_corrections_request_id ON request_corrections (request_id);

CREATE TABLE request_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES privacy_requests (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    expires_at DATETIME NOT NULL,
    used_at DATETIME,
    created_at DATETIME
);
CREATE INDEX idx_request_codes_request ON request_codes (request_id, purpose);

CREATE TABLE request_documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES privacy_requests (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    file_key TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL DEFAULT 0,
    uploaded_at DATETIME,
    destroy_after DATETIME,
    destroyed_at DATETIME
);
CREATE INDEX idx_request_documents_request_id ON request_documents (request_id);
CREATE INDEX idx_request_documents_destroy_after ON request_documents (destroy_after);

CREATE TABLE legal_holds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    categories TEXT NOT NULL,
    reason TEXT NOT NULL,
    placed_by_id INTEGER NOT NULL,
    placed_at DATETIME,
    released_by_id INTEGER,
    released_at DATETIME,
    release_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_legal_holds_user_id ON legal_holds (user_id);

CREATE TABLE restrictions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category TEXT NOT NULL DEFAULT '',
    request_id INTEGER REFERENCES privacy_requests (id) ON DELETE SET NULL,
    ground TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    placed_at DATETIME,
    lift_notice_at DATETIME,
    lifts_at DATETIME,
    lifted_at DATETIME,
    lifted_by_id INTEGER
);
CREATE INDEX idx_restrictions_user_id ON restrictions (user_id);

CREATE TABLE marketing_objections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    email TEXT NOT NULL,
    request_id INTEGER REFERENCES privacy_requests (id) ON DELETE SET NULL,
    recorded_at DATETIME NOT NULL
);
CREATE INDEX idx_marketing_objections_email ON marketing_objections (email);

-- A correction staff make on a request names it in the change history.
ALTER TABLE profile_changes ADD COLUMN request_id INTEGER REFERENCES privacy_requests (id) ON DELETE SET NULL;

-- When staff were told of a verified request (a mail of its own or the
-- digest), so the daily digest lists each request once.
ALTER TABLE privacy_requests ADD COLUMN staff_notified_at DATETIME;

-- +goose Down
ALTER TABLE privacy_requests DROP COLUMN staff_notified_at;
ALTER TABLE profile_changes DROP COLUMN request_id;
DROP TABLE marketing_objections;
DROP TABLE restrictions;
DROP TABLE legal_holds;
DROP TABLE request_documents;
DROP TABLE request_codes;
DROP TABLE request_corrections;
DROP TABLE request_notes;
DROP TABLE request_messages;
DROP TABLE request_events;
DROP TABLE privacy_requests;
