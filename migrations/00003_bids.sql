-- +goose Up
CREATE TABLE bids (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id            uuid NOT NULL REFERENCES tenders (id),
    org_id               uuid NOT NULL REFERENCES organizations (id),
    price_fen            bigint NOT NULL CHECK (price_fen > 0),
    summary              text NOT NULL DEFAULT '',
    status               text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'submitted', 'withdrawn', 'qualified', 'disqualified')),
    version              integer NOT NULL DEFAULT 0,
    submitted_at         timestamptz,
    content_sha256       text NOT NULL DEFAULT '',
    qualification_reason text NOT NULL DEFAULT '',
    created_at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (tender_id, org_id)
);
CREATE INDEX bids_org_idx ON bids (org_id, created_at DESC);

-- The opening record (开标记录), written in the transaction that opens the tender.
CREATE TABLE openings (
    tender_id uuid PRIMARY KEY REFERENCES tenders (id),
    opened_at timestamptz NOT NULL,
    outcome   text NOT NULL CHECK (outcome IN ('evaluating', 'failed')),
    bids      jsonb NOT NULL
);

-- The evaluation panel (评审委员会) of a tender.
CREATE TABLE panel_members (
    tender_id    uuid NOT NULL REFERENCES tenders (id),
    evaluator_id uuid NOT NULL REFERENCES users (id),
    active       boolean NOT NULL DEFAULT true, -- false once recused and replaced
    declared     boolean NOT NULL DEFAULT false,
    conflict     boolean NOT NULL DEFAULT false,
    note         text NOT NULL DEFAULT '',
    submitted_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tender_id, evaluator_id)
);
CREATE INDEX panel_members_evaluator_idx ON panel_members (evaluator_id);

-- Idempotency keys: a retried write with the same key gets the first answer.
CREATE TABLE idempotency_keys (
    user_id      text NOT NULL,
    key          text NOT NULL,
    request_hash text NOT NULL,
    status       integer,      -- null while the first request is in flight
    content_type text,
    body         bytea,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE panel_members;
DROP TABLE openings;
DROP TABLE bids;
