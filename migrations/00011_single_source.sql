-- +goose Up
-- A single-source tender (单一来源, SPEC §7.3) names the one organization that
-- may respond; no other procedure names one.
ALTER TABLE tenders ADD COLUMN single_source_org_id uuid REFERENCES organizations (id);
ALTER TABLE tenders ADD CONSTRAINT tenders_single_source_check
    CHECK (single_source_org_id IS NULL OR procedure = 'single_source');

-- +goose Down
ALTER TABLE tenders DROP COLUMN single_source_org_id;
