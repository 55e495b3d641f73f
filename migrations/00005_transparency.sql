-- +goose Up
-- Resident feedback (居民评价) on completed tenders: anonymous; comments are
-- public after moderation, ratings count at once (rejected ones never).
CREATE TABLE feedback (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tender_id    uuid NOT NULL REFERENCES tenders (id),
    rating       integer NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment      text NOT NULL DEFAULT '',
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    moderated_by uuid REFERENCES users (id),
    moderated_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX feedback_tender_idx ON feedback (tender_id, created_at);
CREATE INDEX feedback_status_idx ON feedback (status, created_at);

-- Credit profiles count bids per organization and status.
CREATE INDEX bids_org_status_idx ON bids (org_id, status);
CREATE INDEX organizations_name_idx ON organizations (name, id);

-- +goose Down
DROP INDEX organizations_name_idx;
DROP INDEX bids_org_status_idx;
DROP TABLE feedback;
