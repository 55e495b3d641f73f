-- +goose Up
-- The audit log lists newest first by time, then id: entries of bid streams
-- take random ids instead of the shared sequence, so that ids seen by auditors
-- and in the OCDS feed tell nothing about sealed bids (SPEC §8.3).
CREATE INDEX audit_entries_at_id_idx ON audit_entries (at, id);

-- +goose Down
DROP INDEX audit_entries_at_id_idx;
