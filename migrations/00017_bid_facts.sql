-- +goose Up
-- Facts frozen at submission (SPEC §8.2): the organization's type,
-- registration, social workers and community as they were at the last submit.
ALTER TABLE bids ADD COLUMN facts jsonb;

-- +goose Down
ALTER TABLE bids DROP COLUMN facts;
