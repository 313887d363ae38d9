-- +goose Up
CREATE TABLE profiles (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    first_name VARCHAR(100) NOT NULL DEFAULT '',
    last_name VARCHAR(100) NOT NULL DEFAULT '',
    phone VARCHAR(32) NOT NULL DEFAULT '',
    birth_date VARCHAR(10) NOT NULL DEFAULT '',
    gender VARCHAR(16) NOT NULL DEFAULT '',
    preferred_language VARCHAR(16) NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ
);

CREATE TABLE addresses (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind VARCHAR(16) NOT NULL,
    line1 VARCHAR(200) NOT NULL DEFAULT '',
    line2 VARCHAR(200) NOT NULL DEFAULT '',
    postal_code VARCHAR(20) NOT NULL DEFAULT '',
    city VARCHAR(100) NOT NULL DEFAULT '',
    region VARCHAR(100) NOT NULL DEFAULT '',
    country VARCHAR(2) NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX idx_addresses_user_kind ON addresses (user_id, kind);

CREATE TABLE profile_changes (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    field VARCHAR(50) NOT NULL,
    old_value TEXT NOT NULL DEFAULT '',
    new_value TEXT NOT NULL DEFAULT '',
    actor_kind VARCHAR(16) NOT NULL,
    actor_id BIGINT
);
CREATE INDEX idx_profile_changes_user ON profile_changes (user_id, created_at);

CREATE TABLE orders (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    number VARCHAR(32) NOT NULL,
    placed_at TIMESTAMPTZ NOT NULL,
    status VARCHAR(20) NOT NULL,
    delivery_status VARCHAR(20) NOT NULL DEFAULT '',
    total_cents BIGINT NOT NULL DEFAULT 0,
    currency VARCHAR(3) NOT NULL,
    paid_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX idx_orders_number ON orders (number);
CREATE INDEX idx_orders_user_placed ON orders (user_id, placed_at);

CREATE TABLE order_items (
    id BIGSERIAL PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    description VARCHAR(200) NOT NULL,
    quantity BIGINT NOT NULL DEFAULT 1,
    unit_price_cents BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX idx_order_items_order_id ON order_items (order_id);

CREATE TABLE payments (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    order_id BIGINT REFERENCES orders (id) ON DELETE SET NULL,
    provider VARCHAR(50) NOT NULL,
    method VARCHAR(30) NOT NULL DEFAULT '',
    last4 VARCHAR(4) NOT NULL DEFAULT '',
    amount_cents BIGINT NOT NULL,
    currency VARCHAR(3) NOT NULL,
    paid_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_payments_user_paid ON payments (user_id, paid_at);
CREATE INDEX idx_payments_order_id ON payments (order_id);

CREATE TABLE photos (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    order_id BIGINT REFERENCES orders (id) ON DELETE SET NULL,
    filename VARCHAR(255) NOT NULL,
    content_type VARCHAR(100) NOT NULL,
    size_bytes BIGINT NOT NULL DEFAULT 0,
    width BIGINT NOT NULL DEFAULT 0,
    height BIGINT NOT NULL DEFAULT 0,
    file_key VARCHAR(100) NOT NULL DEFAULT '',
    thumb_key VARCHAR(100) NOT NULL DEFAULT '',
    uploaded_at TIMESTAMPTZ NOT NULL,
    paid_at TIMESTAMPTZ
);
CREATE INDEX idx_photos_user_uploaded ON photos (user_id, uploaded_at);
CREATE INDEX idx_photos_order_id ON photos (order_id);

CREATE TABLE contact_messages (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    channel VARCHAR(16) NOT NULL,
    direction VARCHAR(8) NOT NULL,
    subject VARCHAR(200) NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_contact_messages_user ON contact_messages (user_id, created_at);

CREATE TABLE survey_answers (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    answered_at TIMESTAMPTZ NOT NULL,
    kind VARCHAR(16) NOT NULL,
    title VARCHAR(200) NOT NULL,
    question VARCHAR(500) NOT NULL,
    answer TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_survey_answers_user ON survey_answers (user_id, answered_at);

CREATE TABLE data_categories (
    id BIGSERIAL PRIMARY KEY,
    key VARCHAR(32) NOT NULL,
    sort BIGINT NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    retention_text TEXT NOT NULL,
    retention_days BIGINT NOT NULL DEFAULT 0,
    source TEXT NOT NULL,
    recipients TEXT NOT NULL,
    customer_edits BOOLEAN NOT NULL DEFAULT false,
    updated_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX idx_data_categories_key ON data_categories (key);

CREATE TABLE data_purposes (
    id BIGSERIAL PRIMARY KEY,
    category_id BIGINT NOT NULL REFERENCES data_categories (id) ON DELETE CASCADE,
    sort BIGINT NOT NULL DEFAULT 0,
    basis VARCHAR(24) NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX idx_data_purposes_category_id ON data_purposes (category_id);

CREATE TABLE policy_versions (
    id BIGSERIAL PRIMARY KEY,
    version VARCHAR(32) NOT NULL,
    published_at TIMESTAMPTZ NOT NULL,
    body TEXT NOT NULL
);
CREATE UNIQUE INDEX idx_policy_versions_version ON policy_versions (version);
CREATE INDEX idx_policy_versions_published_at ON policy_versions (published_at);

CREATE TABLE policy_acks (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    policy_version_id BIGINT NOT NULL REFERENCES policy_versions (id) ON DELETE CASCADE,
    acknowledged_at TIMESTAMPTZ NOT NULL
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
