-- +goose Up
-- Verifiable draws (SPEC §8.4). The secret r of each tender, sealed under
-- PORTAL_SEAL_KEY until the award; its commitment H(r) is public from publication.
ALTER TABLE tenders ADD COLUMN draw_commitment text NOT NULL DEFAULT '';
CREATE TABLE draw_secrets (
    tender_id uuid PRIMARY KEY REFERENCES tenders (id),
    sealed_r  bytea NOT NULL
);

-- H of the opened bids' lines, and the evaluators active at the opening: the
-- only pool a panel draw of the tender takes candidates from.
ALTER TABLE openings ADD COLUMN opening_sha256 text NOT NULL DEFAULT '';
CREATE TABLE opening_evaluators (
    tender_id       uuid NOT NULL REFERENCES tenders (id),
    evaluator_id    uuid NOT NULL REFERENCES users (id),
    expertise       text[] NOT NULL,
    employer_org_id uuid,
    PRIMARY KEY (tender_id, evaluator_id)
);

CREATE TABLE draws (
    tender_id  uuid NOT NULL REFERENCES tenders (id),
    purpose    text NOT NULL CHECK (purpose IN ('panel', 'tie', 'claim')),
    n          integer NOT NULL CHECK (n >= 1),
    preferred  text[] NOT NULL,
    others     text[] NOT NULL,
    chosen     text[] NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tender_id, purpose, n)
);

-- Evaluators the bureau named instead of drawing: a public red flag (不随机抽取).
CREATE TABLE panel_appointments (
    id            bigserial PRIMARY KEY,
    tender_id     uuid NOT NULL REFERENCES tenders (id),
    evaluator_ids text[] NOT NULL,
    reason        text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX panel_appointments_tender_idx ON panel_appointments (tender_id);

-- +goose Down
DROP TABLE panel_appointments;
DROP TABLE draws;
DROP TABLE opening_evaluators;
ALTER TABLE openings DROP COLUMN opening_sha256;
DROP TABLE draw_secrets;
ALTER TABLE tenders DROP COLUMN draw_commitment;
