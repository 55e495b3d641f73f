-- +goose Up
-- The OCDS feed reads tender audit entries in time order.
CREATE INDEX audit_entries_tender_feed_idx ON audit_entries (at, id) WHERE entity = 'tender';

-- +goose Down
DROP INDEX audit_entries_tender_feed_idx;
