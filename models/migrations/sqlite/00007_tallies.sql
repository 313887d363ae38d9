-- +goose Up
-- holding_tallies keeps how many rows each customer has in each counted
-- category, so a page shows "10,000 orders" without counting them. The
-- triggers below keep it, so every writer (the portal, imports, the load
-- generator, later purges and erasures, a cascade from a deleted account)
-- keeps it right without knowing it exists.
CREATE TABLE holding_tallies (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
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

INSERT INTO holding_tallies (user_id, category, n) SELECT user_id, 'orders', COUNT(*) FROM orders GROUP BY user_id;
-- +goose StatementBegin
CREATE TRIGGER tally_orders_insert AFTER INSERT ON orders BEGIN
    INSERT INTO holding_tallies (user_id, category, n) VALUES (NEW.user_id, 'orders', 1)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_orders_delete AFTER DELETE ON orders BEGIN
    UPDATE holding_tallies SET n = n - 1 WHERE user_id = OLD.user_id AND category = 'orders';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_orders_move AFTER UPDATE OF user_id ON orders WHEN OLD.user_id <> NEW.user_id BEGIN
    UPDATE holding_tallies SET n = n - 1 WHERE user_id = OLD.user_id AND category = 'orders';
    INSERT INTO holding_tallies (user_id, category, n) VALUES (NEW.user_id, 'orders', 1)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

INSERT INTO holding_tallies (user_id, category, n) SELECT user_id, 'payments', COUNT(*) FROM payments GROUP BY user_id;
-- +goose StatementBegin
CREATE TRIGGER tally_payments_insert AFTER INSERT ON payments BEGIN
    INSERT INTO holding_tallies (user_id, category, n) VALUES (NEW.user_id, 'payments', 1)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_payments_delete AFTER DELETE ON payments BEGIN
    UPDATE holding_tallies SET n = n - 1 WHERE user_id = OLD.user_id AND category = 'payments';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_payments_move AFTER UPDATE OF user_id ON payments WHEN OLD.user_id <> NEW.user_id BEGIN
    UPDATE holding_tallies SET n = n - 1 WHERE user_id = OLD.user_id AND category = 'payments';
    INSERT INTO holding_tallies (user_id, category, n) VALUES (NEW.user_id, 'payments', 1)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

INSERT INTO holding_tallies (user_id, category, n) SELECT user_id, 'photos', COUNT(*) FROM photos GROUP BY user_id;
-- +goose StatementBegin
CREATE TRIGGER tally_photos_insert AFTER INSERT ON photos BEGIN
    INSERT INTO holding_tallies (user_id, category, n) VALUES (NEW.user_id, 'photos', 1)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_photos_delete AFTER DELETE ON photos BEGIN
    UPDATE holding_tallies SET n = n - 1 WHERE user_id = OLD.user_id AND category = 'photos';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_photos_move AFTER UPDATE OF user_id ON photos WHEN OLD.user_id <> NEW.user_id BEGIN
    UPDATE holding_tallies SET n = n - 1 WHERE user_id = OLD.user_id AND category = 'photos';
    INSERT INTO holding_tallies (user_id, category, n) VALUES (NEW.user_id, 'photos', 1)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

INSERT INTO holding_tallies (user_id, category, n) SELECT user_id, 'contact', COUNT(*) FROM contact_messages GROUP BY user_id;
-- +goose StatementBegin
CREATE TRIGGER tally_contact_messages_insert AFTER INSERT ON contact_messages BEGIN
    INSERT INTO holding_tallies (user_id, category, n) VALUES (NEW.user_id, 'contact', 1)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_contact_messages_delete AFTER DELETE ON contact_messages BEGIN
    UPDATE holding_tallies SET n = n - 1 WHERE user_id = OLD.user_id AND category = 'contact';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_contact_messages_move AFTER UPDATE OF user_id ON contact_messages WHEN OLD.user_id <> NEW.user_id BEGIN
    UPDATE holding_tallies SET n = n - 1 WHERE user_id = OLD.user_id AND category = 'contact';
    INSERT INTO holding_tallies (user_id, category, n) VALUES (NEW.user_id, 'contact', 1)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

INSERT INTO holding_tallies (user_id, category, n) SELECT user_id, 'surveys', COUNT(*) FROM survey_answers GROUP BY user_id;
-- +goose StatementBegin
CREATE TRIGGER tally_survey_answers_insert AFTER INSERT ON survey_answers BEGIN
    INSERT INTO holding_tallies (user_id, category, n) VALUES (NEW.user_id, 'surveys', 1)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_survey_answers_delete AFTER DELETE ON survey_answers BEGIN
    UPDATE holding_tallies SET n = n - 1 WHERE user_id = OLD.user_id AND category = 'surveys';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_survey_answers_move AFTER UPDATE OF user_id ON survey_answers WHEN OLD.user_id <> NEW.user_id BEGIN
    UPDATE holding_tallies SET n = n - 1 WHERE user_id = OLD.user_id AND category = 'surveys';
    INSERT INTO holding_tallies (user_id, category, n) VALUES (NEW.user_id, 'surveys', 1)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

INSERT INTO holding_tallies (user_id, category, n) SELECT user_id, 'logins', COUNT(*) FROM login_events GROUP BY user_id;
-- +goose StatementBegin
CREATE TRIGGER tally_login_events_insert AFTER INSERT ON login_events BEGIN
    INSERT INTO holding_tallies (user_id, category, n) VALUES (NEW.user_id, 'logins', 1)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_login_events_delete AFTER DELETE ON login_events BEGIN
    UPDATE holding_tallies SET n = n - 1 WHERE user_id = OLD.user_id AND category = 'logins';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tally_login_events_move AFTER UPDATE OF user_id ON login_events WHEN OLD.user_id <> NEW.user_id BEGIN
    UPDATE holding_tallies SET n = n - 1 WHERE user_id = OLD.user_id AND category = 'logins';
    INSERT INTO holding_tallies (user_id, category, n) VALUES (NEW.user_id, 'logins', 1)
    ON CONFLICT (user_id, category) DO UPDATE SET n = n + 1;
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
DROP TRIGGER tally_payments_insert;
DROP TRIGGER tally_payments_delete;
DROP TRIGGER tally_payments_move;
DROP TRIGGER tally_photos_insert;
DROP TRIGGER tally_photos_delete;
DROP TRIGGER tally_photos_move;
DROP TRIGGER tally_contact_messages_insert;
DROP TRIGGER tally_contact_messages_delete;
DROP TRIGGER tally_contact_messages_move;
DROP TRIGGER tally_survey_answers_insert;
DROP TRIGGER tally_survey_answers_delete;
DROP TRIGGER tally_survey_answers_move;
DROP TRIGGER tally_login_events_insert;
DROP TRIGGER tally_login_events_delete;
DROP TRIGGER tally_login_events_move;
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
