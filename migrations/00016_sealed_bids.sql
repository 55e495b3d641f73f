-- +goose Up
-- Sealed at rest (SPEC §8.1): before the opening a bid's price and summary are
-- stored only in `sealed` (AES-256-GCM under a key wrapped by PORTAL_SEAL_KEY);
-- price_fen is NULL and summary empty until the opening decrypts them.
ALTER TABLE bids ALTER COLUMN price_fen DROP NOT NULL;
ALTER TABLE bids ADD COLUMN sealed bytea;

-- +goose Down
ALTER TABLE bids DROP COLUMN sealed;
