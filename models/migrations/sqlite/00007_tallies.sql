-- +goose Up
-- holding_tallies keeps, per customer and counted category, how many rows
-- the customer has and when the newest was made, so the overview and the
-- list pages neither count a long history nor look for its newest row on
-- every view. The triggers below keep it, so every writer (the portal,
-- imports, the load generator, later purges and erasures, a cascade from
-- a deleted account) keeps it right without knowing it exists. Times are
-- compared as SQLite stores them (UTC text of one layout), as MAX does.
CREATE TABLE holding_tallies (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    last_change DATETIME,
    PRIMARY KEY (user_id, category)
) WITHOUT ROWID;

-- revisions counts changes to what instances hold in memory (the
-- categories, purposes and policy versions): an instance polls one row
-- and reloads only when it moved, whoever wrote the change.
CREATE TABLE revisions (
    name TEXT PRIMARY KEY,
    n INTEGER NOT NULL DEFAULT 0
);
INSERT INTO revisions (name, n) VALUES ('catalog', 1);

INSERT INTO holding_tallies (user_id, category, n, last_change) SELECT user_id, 'orders', COUNT(*), MAX(placed_at) FROM orders GROUP BY user_id;
-- +goose StatementBegin
CREATE TRIGGER tally_orders_insert AFTER INSERT ON orders BEGIN
    INSERT INTO holding_tallies (user_id, category, n, last_change) VALUES (NEW.user_id, 'orders', 1, NEW.placed_at)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1,
        last_change = CASE WHEN last_change IS NULL OR excluded.last_change > last_change THEN excluded.last_change ELSE last_change END;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_orders_delete AFTER DELETE ON orders BEGIN
    UPDATE holding_tallies SET n = n - 1, last_change = (SELECT MAX(placed_at) FROM orders WHERE user_id = OLD.user_id)
    WHERE user_id = OLD.user_id AND category = 'orders';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_orders_move AFTER UPDATE OF user_id ON orders WHEN OLD.user_id <> NEW.user_id BEGIN
    UPDATE holding_tallies SET n = n - 1, last_change = (SELECT MAX(placed_at) FROM orders WHERE user_id = OLD.user_id)
    WHERE user_id = OLD.user_id AND category = 'orders';
    INSERT INTO holding_tallies (user_id, category, n, last_change) VALUES (NEW.user_id, 'orders', 1, NEW.placed_at)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1,
        last_change = (SELECT MAX(placed_at) FROM orders WHERE user_id = NEW.user_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_orders_retime AFTER UPDATE OF placed_at ON orders WHEN OLD.user_id = NEW.user_id AND OLD.placed_at IS NOT NEW.placed_at BEGIN
    UPDATE holding_tallies SET last_change = (SELECT MAX(placed_at) FROM orders WHERE user_id = OLD.user_id)
    WHERE user_id = OLD.user_id AND category = 'orders';
END;
-- +goose StatementEnd

INSERT INTO holding_tallies (user_id, category, n, last_change) SELECT user_id, 'payments', COUNT(*), MAX(paid_at) FROM payments GROUP BY user_id;
-- +goose StatementBegin
CREATE TRIGGER tally_payments_insert AFTER INSERT ON payments BEGIN
    INSERT INTO holding_tallies (user_id, category, n, last_change) VALUES (NEW.user_id, 'payments', 1, NEW.paid_at)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1,
        last_change = CASE WHEN last_change IS NULL OR excluded.last_change > last_change THEN excluded.last_change ELSE last_change END;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_payments_delete AFTER DELETE ON payments BEGIN
    UPDATE holding_tallies SET n = n - 1, last_change = (SELECT MAX(paid_at) FROM payments WHERE user_id = OLD.user_id)
    WHERE user_id = OLD.user_id AND category = 'payments';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_payments_move AFTER UPDATE OF user_id ON payments WHEN OLD.user_id <> NEW.user_id BEGIN
    UPDATE holding_tallies SET n = n - 1, last_change = (SELECT MAX(paid_at) FROM payments WHERE user_id = OLD.user_id)
    WHERE user_id = OLD.user_id AND category = 'payments';
    INSERT INTO holding_tallies (user_id, category, n, last_change) VALUES (NEW.user_id, 'payments', 1, NEW.paid_at)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1,
        last_change = (SELECT MAX(paid_at) FROM payments WHERE user_id = NEW.user_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_payments_retime AFTER UPDATE OF paid_at ON payments WHEN OLD.user_id = NEW.user_id AND OLD.paid_at IS NOT NEW.paid_at BEGIN
    UPDATE holding_tallies SET last_change = (SELECT MAX(paid_at) FROM payments WHERE user_id = OLD.user_id)
    WHERE user_id = OLD.user_id AND category = 'payments';
END;
-- +goose StatementEnd

INSERT INTO holding_tallies (user_id, category, n, last_change) SELECT user_id, 'photos', COUNT(*), MAX(uploaded_at) FROM photos GROUP BY user_id;
-- +goose StatementBegin
CREATE TRIGGER tally_photos_insert AFTER INSERT ON photos BEGIN
    INSERT INTO holding_tallies (user_id, category, n, last_change) VALUES (NEW.user_id, 'photos', 1, NEW.uploaded_at)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1,
        last_change = CASE WHEN last_change IS NULL OR excluded.last_change > last_change THEN excluded.last_change ELSE last_change END;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_photos_delete AFTER DELETE ON photos BEGIN
    UPDATE holding_tallies SET n = n - 1, last_change = (SELECT MAX(uploaded_at) FROM photos WHERE user_id = OLD.user_id)
    WHERE user_id = OLD.user_id AND category = 'photos';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_photos_move AFTER UPDATE OF user_id ON photos WHEN OLD.user_id <> NEW.user_id BEGIN
    UPDATE holding_tallies SET n = n - 1, last_change = (SELECT MAX(uploaded_at) FROM photos WHERE user_id = OLD.user_id)
    WHERE user_id = OLD.user_id AND category = 'photos';
    INSERT INTO holding_tallies (user_id, category, n, last_change) VALUES (NEW.user_id, 'photos', 1, NEW.uploaded_at)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1,
        last_change = (SELECT MAX(uploaded_at) FROM photos WHERE user_id = NEW.user_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_photos_retime AFTER UPDATE OF uploaded_at ON photos WHEN OLD.user_id = NEW.user_id AND OLD.uploaded_at IS NOT NEW.uploaded_at BEGIN
    UPDATE holding_tallies SET last_change = (SELECT MAX(uploaded_at) FROM photos WHERE user_id = OLD.user_id)
    WHERE user_id = OLD.user_id AND category = 'photos';
END;
-- +goose StatementEnd

INSERT INTO holding_tallies (user_id, category, n, last_change) SELECT user_id, 'contact', COUNT(*), MAX(created_at) FROM contact_messages GROUP BY user_id;
-- +goose StatementBegin
CREATE TRIGGER tally_contact_messages_insert AFTER INSERT ON contact_messages BEGIN
    INSERT INTO holding_tallies (user_id, category, n, last_change) VALUES (NEW.user_id, 'contact', 1, NEW.created_at)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1,
        last_change = CASE WHEN last_change IS NULL OR excluded.last_change > last_change THEN excluded.last_change ELSE last_change END;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_contact_messages_delete AFTER DELETE ON contact_messages BEGIN
    UPDATE holding_tallies SET n = n - 1, last_change = (SELECT MAX(created_at) FROM contact_messages WHERE user_id = OLD.user_id)
    WHERE user_id = OLD.user_id AND category = 'contact';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_contact_messages_move AFTER UPDATE OF user_id ON contact_messages WHEN OLD.user_id <> NEW.user_id BEGIN
    UPDATE holding_tallies SET n = n - 1, last_change = (SELECT MAX(created_at) FROM contact_messages WHERE user_id = OLD.user_id)
    WHERE user_id = OLD.user_id AND category = 'contact';
    INSERT INTO holding_tallies (user_id, category, n, last_change) VALUES (NEW.user_id, 'contact', 1, NEW.created_at)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1,
        last_change = (SELECT MAX(created_at) FROM contact_messages WHERE user_id = NEW.user_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_contact_messages_retime AFTER UPDATE OF created_at ON contact_messages WHEN OLD.user_id = NEW.user_id AND OLD.created_at IS NOT NEW.created_at BEGIN
    UPDATE holding_tallies SET last_change = (SELECT MAX(created_at) FROM contact_messages WHERE user_id = OLD.user_id)
    WHERE user_id = OLD.user_id AND category = 'contact';
END;
-- +goose StatementEnd

INSERT INTO holding_tallies (user_id, category, n, last_change) SELECT user_id, 'surveys', COUNT(*), MAX(answered_at) FROM survey_answers GROUP BY user_id;
-- +goose StatementBegin
CREATE TRIGGER tally_survey_answers_insert AFTER INSERT ON survey_answers BEGIN
    INSERT INTO holding_tallies (user_id, category, n, last_change) VALUES (NEW.user_id, 'surveys', 1, NEW.answered_at)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1,
        last_change = CASE WHEN last_change IS NULL OR excluded.last_change > last_change THEN excluded.last_change ELSE last_change END;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_survey_answers_delete AFTER DELETE ON survey_answers BEGIN
    UPDATE holding_tallies SET n = n - 1, last_change = (SELECT MAX(answered_at) FROM survey_answers WHERE user_id = OLD.user_id)
    WHERE user_id = OLD.user_id AND category = 'surveys';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_survey_answers_move AFTER UPDATE OF user_id ON survey_answers WHEN OLD.user_id <> NEW.user_id BEGIN
    UPDATE holding_tallies SET n = n - 1, last_change = (SELECT MAX(answered_at) FROM survey_answers WHERE user_id = OLD.user_id)
    WHERE user_id = OLD.user_id AND category = 'surveys';
    INSERT INTO holding_tallies (user_id, category, n, last_change) VALUES (NEW.user_id, 'surveys', 1, NEW.answered_at)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1,
        last_change = (SELECT MAX(answered_at) FROM survey_answers WHERE user_id = NEW.user_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_survey_answers_retime AFTER UPDATE OF answered_at ON survey_answers WHEN OLD.user_id = NEW.user_id AND OLD.answered_at IS NOT NEW.answered_at BEGIN
    UPDATE holding_tallies SET last_change = (SELECT MAX(answered_at) FROM survey_answers WHERE user_id = OLD.user_id)
    WHERE user_id = OLD.user_id AND category = 'surveys';
END;
-- +goose StatementEnd

INSERT INTO holding_tallies (user_id, category, n, last_change) SELECT user_id, 'logins', COUNT(*), MAX(created_at) FROM login_events GROUP BY user_id;
-- +goose StatementBegin
CREATE TRIGGER tally_login_events_insert AFTER INSERT ON login_events BEGIN
    INSERT INTO holding_tallies (user_id, category, n, last_change) VALUES (NEW.user_id, 'logins', 1, NEW.created_at)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1,
        last_change = CASE WHEN last_change IS NULL OR excluded.last_change > last_change THEN excluded.last_change ELSE last_change END;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_login_events_delete AFTER DELETE ON login_events BEGIN
    UPDATE holding_tallies SET n = n - 1, last_change = (SELECT MAX(created_at) FROM login_events WHERE user_id = OLD.user_id)
    WHERE user_id = OLD.user_id AND category = 'logins';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_login_events_move AFTER UPDATE OF user_id ON login_events WHEN OLD.user_id <> NEW.user_id BEGIN
    UPDATE holding_tallies SET n = n - 1, last_change = (SELECT MAX(created_at) FROM login_events WHERE user_id = OLD.user_id)
    WHERE user_id = OLD.user_id AND category = 'logins';
    INSERT INTO holding_tallies (user_id, category, n, last_change) VALUES (NEW.user_id, 'logins', 1, NEW.created_at)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1,
        last_change = (SELECT MAX(created_at) FROM login_events WHERE user_id = NEW.user_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_login_events_retime AFTER UPDATE OF created_at ON login_events WHEN OLD.user_id = NEW.user_id AND OLD.created_at IS NOT NEW.created_at BEGIN
    UPDATE holding_tallies SET last_change = (SELECT MAX(created_at) FROM login_events WHERE user_id = OLD.user_id)
    WHERE user_id = OLD.user_id AND category = 'logins';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER revise_data_categories_insert AFTER INSERT ON data_categories BEGIN
    UPDATE revisions SET n = n + 1 WHERE name = 'catalog';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER revise_data_categories_update AFTER UPDATE ON data_categories BEGIN
    UPDATE revisions SET n = n + 1 WHERE name = 'catalog';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER revise_data_categories_delete AFTER DELETE ON data_categories BEGIN
    UPDATE revisions SET n = n + 1 WHERE name = 'catalog';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER revise_data_purposes_insert AFTER INSERT ON data_purposes BEGIN
    UPDATE revisions SET n = n + 1 WHERE name = 'catalog';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER revise_data_purposes_update AFTER UPDATE ON data_purposes BEGIN
    UPDATE revisions SET n = n + 1 WHERE name = 'catalog';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER revise_data_purposes_delete AFTER DELETE ON data_purposes BEGIN
    UPDATE revisions SET n = n + 1 WHERE name = 'catalog';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER revise_policy_versions_insert AFTER INSERT ON policy_versions BEGIN
    UPDATE revisions SET n = n + 1 WHERE name = 'catalog';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER revise_policy_versions_update AFTER UPDATE ON policy_versions BEGIN
    UPDATE revisions SET n = n + 1 WHERE name = 'catalog';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER revise_policy_versions_delete AFTER DELETE ON policy_versions BEGIN
    UPDATE revisions SET n = n + 1 WHERE name = 'catalog';
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER tally_orders_insert;
DROP TRIGGER tally_orders_delete;
DROP TRIGGER tally_orders_move;
DROP TRIGGER tally_orders_retime;
DROP TRIGGER tally_payments_insert;
DROP TRIGGER tally_payments_delete;
DROP TRIGGER tally_payments_move;
DROP TRIGGER tally_payments_retime;
DROP TRIGGER tally_photos_insert;
DROP TRIGGER tally_photos_delete;
DROP TRIGGER tally_photos_move;
DROP TRIGGER tally_photos_retime;
DROP TRIGGER tally_contact_messages_insert;
DROP TRIGGER tally_contact_messages_delete;
DROP TRIGGER tally_contact_messages_move;
DROP TRIGGER tally_contact_messages_retime;
DROP TRIGGER tally_survey_answers_insert;
DROP TRIGGER tally_survey_answers_delete;
DROP TRIGGER tally_survey_answers_move;
DROP TRIGGER tally_survey_answers_retime;
DROP TRIGGER tally_login_events_insert;
DROP TRIGGER tally_login_events_delete;
DROP TRIGGER tally_login_events_move;
DROP TRIGGER tally_login_events_retime;
DROP TRIGGER revise_data_categories_insert;
DROP TRIGGER revise_data_categories_update;
DROP TRIGGER revise_data_categories_delete;
DROP TRIGGER revise_data_purposes_insert;
DROP TRIGGER revise_data_purposes_update;
DROP TRIGGER revise_data_purposes_delete;
DROP TRIGGER revise_policy_versions_insert;
DROP TRIGGER revise_policy_versions_update;
DROP TRIGGER revise_policy_versions_delete;
DROP TABLE revisions;
DROP TABLE holding_tallies;
