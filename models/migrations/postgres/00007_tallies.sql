-- +goose Up
-- holding_tallies keeps how many rows each customer has in each counted
-- category, so a page shows "10,000 orders" without counting them. The
-- triggers below keep it, so every writer (the portal, imports, the load
-- generator, later purges and erasures, a cascade from a deleted account)
-- keeps it right without knowing it exists. They are statement-level,
-- over transition tables: a bulk insert of a million rows updates each
-- customer's tally once, in user_id order (so concurrent writers lock the
-- rows in the same order and cannot deadlock).
CREATE TABLE holding_tallies (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category VARCHAR(32) NOT NULL,
    n BIGINT NOT NULL DEFAULT 0,
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
    INSERT INTO holding_tallies (user_id, category, n)
    SELECT user_id, TG_ARGV[0], COUNT(*) FROM added GROUP BY user_id ORDER BY user_id
    ON CONFLICT (user_id, category) DO UPDATE SET n = holding_tallies.n + EXCLUDED.n;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION tally_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE holding_tallies t SET n = t.n - r.n
    FROM (SELECT user_id, COUNT(*) AS n FROM removed GROUP BY user_id) r
    WHERE t.user_id = r.user_id AND t.category = TG_ARGV[0];
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION tally_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE holding_tallies t SET n = t.n - r.n
    FROM (SELECT o.user_id, COUNT(*) AS n FROM removed o JOIN added a ON a.id = o.id
          WHERE o.user_id <> a.user_id GROUP BY o.user_id) r
    WHERE t.user_id = r.user_id AND t.category = TG_ARGV[0];
    INSERT INTO holding_tallies (user_id, category, n)
    SELECT a.user_id, TG_ARGV[0], COUNT(*) FROM added a JOIN removed o ON o.id = a.id
    WHERE o.user_id <> a.user_id GROUP BY a.user_id ORDER BY a.user_id
    ON CONFLICT (user_id, category) DO UPDATE SET n = holding_tallies.n + EXCLUDED.n;
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

INSERT INTO holding_tallies (user_id, category, n) SELECT user_id, 'orders', COUNT(*) FROM orders GROUP BY user_id;
CREATE TRIGGER tally_orders_insert AFTER INSERT ON orders REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_added('orders');
CREATE TRIGGER tally_orders_delete AFTER DELETE ON orders REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION tally_removed('orders');
CREATE TRIGGER tally_orders_move AFTER UPDATE ON orders REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_moved('orders');

INSERT INTO holding_tallies (user_id, category, n) SELECT user_id, 'payments', COUNT(*) FROM payments GROUP BY user_id;
CREATE TRIGGER tally_payments_insert AFTER INSERT ON payments REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_added('payments');
CREATE TRIGGER tally_payments_delete AFTER DELETE ON payments REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION tally_removed('payments');
CREATE TRIGGER tally_payments_move AFTER UPDATE ON payments REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_moved('payments');

INSERT INTO holding_tallies (user_id, category, n) SELECT user_id, 'photos', COUNT(*) FROM photos GROUP BY user_id;
CREATE TRIGGER tally_photos_insert AFTER INSERT ON photos REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_added('photos');
CREATE TRIGGER tally_photos_delete AFTER DELETE ON photos REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION tally_removed('photos');
CREATE TRIGGER tally_photos_move AFTER UPDATE ON photos REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_moved('photos');

INSERT INTO holding_tallies (user_id, category, n) SELECT user_id, 'contact', COUNT(*) FROM contact_messages GROUP BY user_id;
CREATE TRIGGER tally_contact_messages_insert AFTER INSERT ON contact_messages REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_added('contact');
CREATE TRIGGER tally_contact_messages_delete AFTER DELETE ON contact_messages REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION tally_removed('contact');
CREATE TRIGGER tally_contact_messages_move AFTER UPDATE ON contact_messages REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_moved('contact');

INSERT INTO holding_tallies (user_id, category, n) SELECT user_id, 'surveys', COUNT(*) FROM survey_answers GROUP BY user_id;
CREATE TRIGGER tally_survey_answers_insert AFTER INSERT ON survey_answers REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_added('surveys');
CREATE TRIGGER tally_survey_answers_delete AFTER DELETE ON survey_answers REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION tally_removed('surveys');
CREATE TRIGGER tally_survey_answers_move AFTER UPDATE ON survey_answers REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_moved('surveys');

INSERT INTO holding_tallies (user_id, category, n) SELECT user_id, 'logins', COUNT(*) FROM login_events GROUP BY user_id;
CREATE TRIGGER tally_login_events_insert AFTER INSERT ON login_events REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_added('logins');
CREATE TRIGGER tally_login_events_delete AFTER DELETE ON login_events REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION tally_removed('logins');
CREATE TRIGGER tally_login_events_move AFTER UPDATE ON login_events REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_moved('logins');

CREATE TRIGGER revise_data_categories AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON data_categories
    FOR EACH STATEMENT EXECUTE FUNCTION revise_catalog();
CREATE TRIGGER revise_data_purposes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON data_purposes
    FOR EACH STATEMENT EXECUTE FUNCTION revise_catalog();
CREATE TRIGGER revise_policy_versions AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON policy_versions
    FOR EACH STATEMENT EXECUTE FUNCTION revise_catalog();

-- +goose Down
DROP TRIGGER tally_orders_insert ON orders;
DROP TRIGGER tally_orders_delete ON orders;
DROP TRIGGER tally_orders_move ON orders;
DROP TRIGGER tally_payments_insert ON payments;
DROP TRIGGER tally_payments_delete ON payments;
DROP TRIGGER tally_payments_move ON payments;
DROP TRIGGER tally_photos_insert ON photos;
DROP TRIGGER tally_photos_delete ON photos;
DROP TRIGGER tally_photos_move ON photos;
DROP TRIGGER tally_contact_messages_insert ON contact_messages;
DROP TRIGGER tally_contact_messages_delete ON contact_messages;
DROP TRIGGER tally_contact_messages_move ON contact_messages;
DROP TRIGGER tally_survey_answers_insert ON survey_answers;
DROP TRIGGER tally_survey_answers_delete ON survey_answers;
DROP TRIGGER tally_survey_answers_move ON survey_answers;
DROP TRIGGER tally_login_events_insert ON login_events;
DROP TRIGGER tally_login_events_delete ON login_events;
DROP TRIGGER tally_login_events_move ON login_events;
DROP TRIGGER revise_data_categories ON data_categories;
DROP TRIGGER revise_data_purposes ON data_purposes;
DROP TRIGGER revise_policy_versions ON policy_versions;
DROP FUNCTION revise_catalog();
DROP FUNCTION tally_moved();
DROP FUNCTION tally_removed();
DROP FUNCTION tally_added();
DROP TABLE revisions;
DROP TABLE holding_tallies;
