-- +goose Up
CREATE TABLE profiles (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    birth_date TEXT NOT NULL DEFAULT '',
    gender TEXT NOT NULL DEFAULT '',
    preferred_language TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at DATETIME,
    updated_at DATETIME
);

CREATE TABLE addresses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    line1 TEXT NOT NULL DEFAULT '',
    line2 TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    created_at DATETIME,
    updated_at DATETIME
);
CREATE UNIQUE INDEX idx_addresses_user_kind ON addresses (user_id, kind);

CREATE TABLE profile_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at DATETIME NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT NOT NULL DEFAULT '',
    new_value TEXT NOT NULL DEFAULT '',
    actor_kind TEXT NOT NULL,
    actor_id INTEGER
);
CREATE INDEX idx_profile_changes_user ON profile_changes (user_id, created_at);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    placed_at DATETIME NOT NULL,
    status TEXT NOT NULL,
    delivery_status TEXT NOT NULL DEFAULT '',
    total_cents INTEGER NOT NULL DEFAULT 0,
    currency TEXT NOT NULL,
    paid_at DATETIME,
    created_at DATETIME,
    updated_at DATETIME
);
CREATE UNIQUE INDEX idx_orders_number ON orders (number);
CREATE INDEX idx_orders_user_placed ON orders (user_id, placed_at);

CREATE TABLE order_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    description TEXT NOT NULL,
    quantity INTEGER NOT NULL DEFAULT 1,
    unit_price_cents INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX idx_order_items_order_id ON order_items (order_id);

CREATE TABLE payments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    order_id INTEGER REFERENCES orders (id) ON DELETE SET NULL,
    provider TEXT NOT NULL,
    method TEXT NOT NULL DEFAULT '',
    last4 TEXT NOT NULL DEFAULT '',
    amount_cents INTEGER NOT NULL,
    currency TEXT NOT NULL,
    paid_at DATETIME NOT NULL
);
CREATE INDEX idx_payments_user_paid ON payments (user_id, paid_at);
CREATE INDEX idx_payments_order_id ON payments (order_id);

CREATE TABLE photos (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    order_id INTEGER REFERENCES orders (id) ON DELETE SET NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL DEFAULT 0,
    width INTEGER NOT NULL DEFAULT 0,
    height INTEGER NOT NULL DEFAULT 0,
    file_key TEXT NOT NULL DEFAULT '',
    thumb_key TEXT NOT NULL DEFAULT '',
    uploaded_at DATETIME NOT NULL,
    paid_at DATETIME
);
CREATE INDEX idx_photos_user_uploaded ON photos (user_id, uploaded_at);
CREATE INDEX idx_photos_order_id ON photos (order_id);

CREATE TABLE contact_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at DATETIME NOT NULL,
    channel TEXT NOT NULL,
    direction TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_contact_messages_user ON contact_messages (user_id, created_at);

CREATE TABLE survey_answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    answered_at DATETIME NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_survey_answers_user ON survey_answers (user_id, answered_at);

CREATE TABLE data_categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    sort INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    retention_text TEXT NOT NULL,
    retention_days INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL,
    recipients TEXT NOT NULL,
    customer_edits BOOLEAN NOT NULL DEFAULT 0,
    updated_at DATETIME
);
CREATE UNIQUE INDEX idx_data_categories_key ON data_categories (key);

CREATE TABLE data_purposes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    category_id INTEGER NOT NULL REFERENCES data_categories (id) ON DELETE CASCADE,
    sort INTEGER NOT NULL DEFAULT 0,
    basis TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX idx_data_purposes_category_id ON data_purposes (category_id);

CREATE TABLE policy_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version TEXT NOT NULL,
    published_at DATETIME NOT NULL,
    body TEXT NOT NULL
);
CREATE UNIQUE INDEX idx_policy_versions_version ON policy_versions (version);
CREATE INDEX idx_policy_versions_published_at ON policy_versions (published_at);

CREATE TABLE policy_acks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    policy_version_id INTEGER NOT NULL REFERENCES policy_versions (id) ON DELETE CASCADE,
    acknowledged_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX idx_policy_acks_user_version ON policy_acks (user_id, policy_version_id);

-- +goose Down
DROP TABLE policy_acks;
DROP TABLE policy_versions;
DROP TABLE data_purposes;
DROP TABLE data_categories;
DROP TABLE survey_answers;
DROP TABLE contact_messages;
DROP TABLE photos;
DROP TABLE payments;
DROP TABLE order_items;
DROP TABLE orders;
DROP TABLE profile_changes;
DROP TABLE addresses;
DROP TABLE profiles;
