-- +goose Up
-- An upheld objection revokes the award; other objections still pending
-- against that award are closed as superseded, so they cannot hold up the
-- completion of the next award.
ALTER TABLE objections DROP CONSTRAINT objections_status_check;
ALTER TABLE objections ADD CONSTRAINT objections_status_check
    CHECK (status IN ('pending', 'upheld', 'rejected', 'superseded'));

-- +goose Down
UPDATE objections SET status = 'rejected' WHERE status = 'superseded';
ALTER TABLE objections DROP CONSTRAINT objections_status_check;
ALTER TABLE objections ADD CONSTRAINT objections_status_check CHECK (status IN ('pending', 'upheld', 'rejected'));
