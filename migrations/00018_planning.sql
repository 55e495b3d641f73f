-- +goose Up
-- The yearly list of purchasable services (购买服务项目清单) and the
-- communities' needs it is built from (SPEC §7.2). An item has at most one
-- tender (tenders.project_item_id is unique); a need is on at most one item.
CREATE TABLE project_items (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    year               integer NOT NULL CHECK (year BETWEEN 2016 AND 2100),
    title              text NOT NULL,
    catalog_item_id    uuid REFERENCES catalog_items (id),
    community_id       uuid REFERENCES communities (id),
    budget_fen         bigint NOT NULL CHECK (budget_fen > 0),
    funding_source     text NOT NULL CHECK (funding_source IN ('fiscal', 'welfare_lottery', 'charity', 'social')),
    procedure          text NOT NULL DEFAULT '',
    local_orgs_first   boolean NOT NULL DEFAULT false,
    county_wide_reason text NOT NULL DEFAULT '',
    planned_quarter    integer NOT NULL CHECK (planned_quarter BETWEEN 1 AND 4),
    status             text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'published', 'tendered', 'completed', 'dropped')),
    drop_reason        text NOT NULL DEFAULT '',
    tender_id          uuid UNIQUE REFERENCES tenders (id),
    published_at       timestamptz,
    created_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at         timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX project_items_year_idx ON project_items (year, planned_quarter, created_at, id);

CREATE TABLE needs (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    community_id    uuid NOT NULL REFERENCES communities (id),
    catalog_item_id uuid REFERENCES catalog_items (id),
    title           text NOT NULL,
    description     text NOT NULL DEFAULT '',
    beneficiaries   integer NOT NULL DEFAULT 0 CHECK (beneficiaries >= 0),
    status          text NOT NULL DEFAULT 'submitted'
        CHECK (status IN ('submitted', 'accepted', 'declined', 'listed', 'fulfilled')),
    decline_reason  text NOT NULL DEFAULT '',
    project_item_id uuid REFERENCES project_items (id),
    submitted_by    uuid REFERENCES users (id),
    source          text NOT NULL CHECK (source IN ('community', 'resident')),
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK ((status IN ('listed', 'fulfilled')) = (project_item_id IS NOT NULL))
);
CREATE INDEX needs_list_idx ON needs (created_at DESC, id DESC);
CREATE INDEX needs_community_idx ON needs (community_id, created_at DESC);
CREATE INDEX needs_item_idx ON needs (project_item_id);

ALTER TABLE tenders ADD COLUMN project_item_id uuid UNIQUE REFERENCES project_items (id);

-- +goose Down
ALTER TABLE tenders DROP COLUMN project_item_id;
DROP TABLE needs;
DROP TABLE project_items;
