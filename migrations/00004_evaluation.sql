-- +goose Up
-- Each panel member's scores (hundredths of a point) per qualified bid and quality criterion.
CREATE TABLE scores (
    tender_id    uuid NOT NULL REFERENCES tenders (id),
    evaluator_id uuid NOT NULL REFERENCES users (id),
    bid_id       uuid NOT NULL REFERENCES bids (id),
    criterion_id text NOT NULL,
    score        bigint NOT NULL CHECK (score >= 0),
    comment      text NOT NULL DEFAULT '',
    updated_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tender_id, evaluator_id, bid_id, criterion_id)
);

-- The recommendation, fixed once drawn so a tie draw happens exactly once
-- (and again only after an upheld objection reopens the evaluation).
CREATE TABLE recommendations (
    tender_id       uuid PRIMARY KEY REFERENCES tenders (id),
    bid_ids         text[] NOT NULL,
    tie_candidates  text[] NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE awards (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id         uuid NOT NULL REFERENCES tenders (id),
    bid_id            uuid NOT NULL REFERENCES bids (id),
    org_id            uuid NOT NULL REFERENCES organizations (id),
    amount_fen        bigint NOT NULL CHECK (amount_fen > 0),
    status            text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked', 'completed')),
    publicity_ends_at timestamptz NOT NULL,
    reason            text NOT NULL DEFAULT '',
    differs           boolean NOT NULL DEFAULT false, -- chosen other than the recommendation
    created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at        timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX awards_tender_idx ON awards (tender_id);
CREATE INDEX awards_org_idx ON awards (org_id);
-- The completion timer looks for active awards whose publicity has ended.
CREATE INDEX awards_due_idx ON awards (publicity_ends_at) WHERE status = 'active';

CREATE TABLE objections (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id   uuid NOT NULL REFERENCES tenders (id),
    org_id      uuid NOT NULL REFERENCES organizations (id),
    text        text NOT NULL,
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'upheld', 'rejected')),
    response    text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    resolved_at timestamptz,
    resolved_by uuid REFERENCES users (id)
);
CREATE INDEX objections_tender_idx ON objections (tender_id, created_at);

CREATE TABLE performance_ratings (
    award_id   uuid PRIMARY KEY REFERENCES awards (id),
    score      integer NOT NULL CHECK (score BETWEEN 0 AND 100),
    comment    text NOT NULL DEFAULT '',
    rated_by   uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Working-day calendar: public holidays and make-up working days (调休).
CREATE TABLE calendar_days (
    day  date PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('holiday', 'workday'))
);

-- +goose Down
DROP TABLE calendar_days;
DROP TABLE performance_ratings;
DROP TABLE objections;
DROP TABLE awards;
DROP TABLE recommendations;
DROP TABLE scores;
