-- +goose Up
-- A customer's chosen time zone (IANA name; empty: the shop's zone). The
-- users row carries a copy so every request resolves the zone without
-- reading the profile, as it does the locale.
ALTER TABLE profiles ADD COLUMN time_zone VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN time_zone VARCHAR(64) NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN time_zone;
ALTER TABLE profiles DROP COLUMN time_zone;
