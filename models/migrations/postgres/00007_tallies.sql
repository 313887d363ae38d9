-- +goose Up
-- holding_tallies keeps, per customer and counted category, how many rows
-- the customer has and when the newest was made, so the overview and the
-- list pages neither count a long history nor look for its newest row on
-- every view. The triggers below keep it, so every writer (the portal,
-- imports, the load generator, later purges and erasures, a cascade from
-- a deleted account) keeps it right without knowing it exists. They are
-- statement-level, over transition tables: a bulk insert of a million
-- rows updates each customer's tally once, in user_id order (so
-- concurrent writers lock the rows in the same order). Each trigger is
-- given its category and its table's time column.
CREATE TABLE holding_tallies (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category VARCHAR(32) NOT NULL,
    n BIGINT NOT NULL DEFAULT 0,
    last_change TIMESTAMPTZ,
    PRIMARY KEY (user_id, category)
);

-- revisions counts changes to what instances hold in memory (the
-- categories, purposes and policy versions): an instance polls one row
-- and reloads only when it moved, whoever wrote the change.
CREATE TABLE revisions (
    name VARCHAR(32) PRIMARY KEY,
    n BIGINT NOT NULL DEFAULT 0
);
INSERT INTO revisions (name, n) VALUES ('catalog', 1);

-- +goose StatementBegin
CREATE FUNCTION tally_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'INSERT INTO holding_tallies (user_id, category, n, last_change)
         SELECT user_id, %L, COUNT(*), MAX(%I) FROM added GROUP BY user_id ORDER BY user_id
         ON CONFLICT (user_id, category) DO UPDATE SET n = holding_tallies.n + EXCLUDED.n,
             last_change = GREATEST(holding_tallies.last_change, EXCLUDED.last_change)',
        TG_ARGV[0], TG_ARGV[1]);
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION tally_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'UPDATE holding_tallies t SET n = t.n - r.n,
             last_change = (SELECT MAX(x.%I) FROM %I x WHERE x.user_id = r.user_id)
         FROM (SELECT user_id, COUNT(*) AS n FROM removed GROUP BY user_id) r
         WHERE t.user_id = r.user_id AND t.category = %L',
        TG_ARGV[1], TG_TABLE_NAME, TG_ARGV[0]);
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- An update matters when it moves rows to another customer or changes
-- their time; the others (a status change) cost one join of the updated
-- rows and nothing more.
-- +goose StatementBegin
CREATE FUNCTION tally_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'UPDATE holding_tallies t SET n = t.n - r.n
         FROM (SELECT o.user_id, COUNT(*) AS n FROM removed o JOIN added a ON a.id = o.id
               WHERE o.user_id <> a.user_id GROUP BY o.user_id) r
         WHERE t.user_id = r.user_id AND t.category = %L',
        TG_ARGV[0]);
    EXECUTE format(
        'INSERT INTO holding_tallies (user_id, category, n)
         SELECT a.user_id, %L, COUNT(*) FROM added a JOIN removed o ON o.id = a.id
         WHERE o.user_id <> a.user_id GROUP BY a.user_id ORDER BY a.user_id
         ON CONFLICT (user_id, category) DO UPDATE SET n = holding_tallies.n + EXCLUDED.n',
        TG_ARGV[0]);
    EXECUTE format(
        'UPDATE holding_tallies t SET last_change = (SELECT MAX(x.%1$I) FROM %2$I x WHERE x.user_id = t.user_id)
         WHERE t.category = %3$L AND t.user_id IN (
             SELECT u FROM added a JOIN removed o ON o.id = a.id, LATERAL (VALUES (a.user_id), (o.user_id)) v(u)
             WHERE o.user_id <> a.user_id OR o.%1$I IS DISTINCT FROM a.%1$I)',
        TG_ARGV[1], TG_TABLE_NAME, TG_ARGV[0]);
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION revise_catalog() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE revisions SET n = n + 1 WHERE name = 'catalog';
    RETURN NULL;
END $$;
-- +goose StatementEnd

INSERT INTO holding_tallies (user_id, category, n, last_change) SELECT user_id, 'orders', COUNT(*), MAX(placed_at) FROM orders GROUP BY user_id;
CREATE TRIGGER tally_orders_insert AFTER INSERT ON orders REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_added('orders', 'placed_at');
CREATE TRIGGER tally_orders_delete AFTER DELETE ON orders REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION tally_removed('orders', 'placed_at');
CREATE TRIGGER tally_orders_update AFTER UPDATE ON orders REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_changed('orders', 'placed_at');

INSERT INTO holding_tallies (user_id, category, n, last_change) SELECT user_id, 'payments', COUNT(*), MAX(paid_at) FROM payments GROUP BY user_id;
CREATE TRIGGER tally_payments_insert AFTER INSERT ON payments REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_added('payments', 'paid_at');
CREATE TRIGGER tally_payments_delete AFTER DELETE ON payments REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION tally_removed('payments', 'paid_at');
CREATE TRIGGER tally_payments_update AFTER UPDATE ON payments REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_changed('payments', 'paid_at');

INSERT INTO holding_tallies (user_id, category, n, last_change) SELECT user_id, 'photos', COUNT(*), MAX(uploaded_at) FROM photos GROUP BY user_id;
CREATE TRIGGER tally_photos_insert AFTER INSERT ON photos REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_added('photos', 'uploaded_at');
CREATE TRIGGER tally_photos_delete AFTER DELETE ON photos REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION tally_removed('photos', 'uploaded_at');
CREATE TRIGGER tally_photos_update AFTER UPDATE ON photos REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_changed('photos', 'uploaded_at');

INSERT INTO holding_tallies (user_id, category, n, last_change) SELECT user_id, 'contact', COUNT(*), MAX(created_at) FROM contact_messages GROUP BY user_id;
CREATE TRIGGER tally_contact_messages_insert AFTER INSERT ON contact_messages REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_added('contact', 'created_at');
CREATE TRIGGER tally_contact_messages_delete AFTER DELETE ON contact_messages REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION tally_removed('contact', 'created_at');
CREATE TRIGGER tally_contact_messages_update AFTER UPDATE ON contact_messages REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_changed('contact', 'created_at');

INSERT INTO holding_tallies (user_id, category, n, last_change) SELECT user_id, 'surveys', COUNT(*), MAX(answered_at) FROM survey_answers GROUP BY user_id;
CREATE TRIGGER tally_survey_answers_insert AFTER INSERT ON survey_answers REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_added('surveys', 'answered_at');
CREATE TRIGGER tally_survey_answers_delete AFTER DELETE ON survey_answers REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION tally_removed('surveys', 'answered_at');
CREATE TRIGGER tally_survey_answers_update AFTER UPDATE ON survey_answers REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_changed('surveys', 'answered_at');

INSERT INTO holding_tallies (user_id, category, n, last_change) SELECT user_id, 'logins', COUNT(*), MAX(created_at) FROM login_events GROUP BY user_id;
CREATE TRIGGER tally_login_events_insert AFTER INSERT ON login_events REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_added('logins', 'created_at');
CREATE TRIGGER tally_login_events_delete AFTER DELETE ON login_events REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION tally_removed('logins', 'created_at');
CREATE TRIGGER tally_login_events_update AFTER UPDATE ON login_events REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_changed('logins', 'created_at');

CREATE TRIGGER revise_data_categories AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON data_categories
    FOR EACH STATEMENT EXECUTE FUNCTION revise_catalog();
CREATE TRIGGER revise_data_purposes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON data_purposes
    FOR EACH STATEMENT EXECUTE FUNCTION revise_catalog();
CREATE TRIGGER revise_policy_versions AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON policy_versions
    FOR EACH STATEMENT EXECUTE FUNCTION revise_catalog();

-- Each list is read newest first with the id as tiebreak ("placed_at DESC,
-- id DESC"). SQLite's indexes end with the rowid, so they give that order;
-- PostgreSQL's did not, and once a prepared statement goes to a generic
-- plan it read all of a customer's rows and sorted them (10,000 orders for
-- each page view of the heavy customer). With the id in the index every
-- plan reads just the page.
DROP INDEX idx_login_events_user;
CREATE INDEX idx_login_events_user ON login_events (user_id, created_at, id);
DROP INDEX idx_orders_user_placed;
CREATE INDEX idx_orders_user_placed ON orders (user_id, placed_at, id);
DROP INDEX idx_payments_user_paid;
CREATE INDEX idx_payments_user_paid ON payments (user_id, paid_at, id);
DROP INDEX idx_photos_user_uploaded;
CREATE INDEX idx_photos_user_uploaded ON photos (user_id, uploaded_at, id);
DROP INDEX idx_contact_messages_user;
CREATE INDEX idx_contact_messages_user ON contact_messages (user_id, created_at, id);
DROP INDEX idx_survey_answers_user;
CREATE INDEX idx_survey_answers_user ON survey_answers (user_id, answered_at, id);

-- +goose Down
DROP INDEX idx_login_events_user;
CREATE INDEX idx_login_events_user ON login_events (user_id, created_at);
DROP INDEX idx_orders_user_placed;
CREATE INDEX idx_orders_user_placed ON orders (user_id, placed_at);
DROP INDEX idx_payments_user_paid;
CREATE INDEX idx_payments_user_paid ON payments (user_id, paid_at);
DROP INDEX idx_photos_user_uploaded;
CREATE INDEX idx_photos_user_uploaded ON photos (user_id, uploaded_at);
DROP INDEX idx_contact_messages_user;
CREATE INDEX idx_contact_messages_user ON contact_messages (user_id, created_at);
DROP INDEX idx_survey_answers_user;
CREATE INDEX idx_survey_answers_user ON survey_answers (user_id, answered_at);
DROP TRIGGER tally_orders_insert ON orders;
DROP TRIGGER tally_orders_delete ON orders;
DROP TRIGGER tally_orders_update ON orders;
DROP TRIGGER tally_payments_insert ON payments;
DROP TRIGGER tally_payments_delete ON payments;
DROP TRIGGER tally_payments_update ON payments;
DROP TRIGGER tally_photos_insert ON photos;
DROP TRIGGER tally_photos_delete ON photos;
DROP TRIGGER tally_photos_update ON photos;
DROP TRIGGER tally_contact_messages_insert ON contact_messages;
DROP TRIGGER tally_contact_messages_delete ON contact_messages;
DROP TRIGGER tally_contact_messages_update ON contact_messages;
DROP TRIGGER tally_survey_answers_insert ON survey_answers;
DROP TRIGGER tally_survey_answers_delete ON survey_answers;
DROP TRIGGER tally_survey_answers_update ON survey_answers;
DROP TRIGGER tally_login_events_insert ON login_events;
DROP TRIGGER tally_login_events_delete ON login_events;
DROP TRIGGER tally_login_events_update ON login_events;
DROP TRIGGER revise_data_categories ON data_categories;
DROP TRIGGER revise_data_purposes ON data_purposes;
DROP TRIGGER revise_policy_versions ON policy_versions;
DROP FUNCTION revise_catalog();
DROP FUNCTION tally_changed();
DROP FUNCTION tally_removed();
DROP FUNCTION tally_added();
DROP TABLE revisions;
DROP TABLE holding_tallies;
