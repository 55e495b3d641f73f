-- +goose Up
-- Throttle claims are rows a request inserts before it is counted, and deletes
-- again when it is refused or released: they need an identity.
ALTER TABLE throttle_events ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
CREATE INDEX throttle_events_at_idx ON throttle_events (at);

-- Access tokens carry the version of their user; deactivation, a new password
-- or a new role bumps it, and every instance refuses older tokens within seconds.
ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN token_version;
DROP INDEX throttle_events_at_idx;
ALTER TABLE throttle_events DROP COLUMN id;
