-- +goose Up
-- One number that changes with every committed change that can change a
-- tender list or search page (issue #16 item 2, docs/DECISIONS.md
-- "Performance"): the portal keeps encoded pages by it and answers a
-- repeated list or search after reading it alone, instead of running the
-- search again. A page shows a tender's columns and its community's name
-- (tenderColumns), and a list filters by community name, so the number moves
-- with every insert, update and delete of a tender or a community, whichever
-- code path makes it.
--
-- The triggers are deferred to the commit: a transaction takes the row lock
-- of tender_list_version as its last act, after every lock it takes on
-- tenders, so a writer may wait there for another's commit, never in a
-- cycle. (An immediate trigger would lock it at the first tender written: T1
-- writes tender A and holds it; T2 writes tender B and waits for it; T1 then
-- writes B and waits for T2 — a deadlock, where without the row T1 would just
-- wait for T2's commit. It would also make every writer wait for the commit
-- of any other.)
-- The bump commits atomically with the change: a reader's snapshot sees both
-- or neither. A transaction bumps once however many rows it writes (xact).
CREATE TABLE tender_list_version (
    one  boolean PRIMARY KEY DEFAULT true CHECK (one),
    n    bigint NOT NULL DEFAULT 0,
    xact xid8
);
INSERT INTO tender_list_version DEFAULT VALUES;

-- +goose StatementBegin
CREATE FUNCTION tender_list_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tender_list_version SET n = n + 1, xact = pg_current_xact_id()
     WHERE xact IS DISTINCT FROM pg_current_xact_id();
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE CONSTRAINT TRIGGER tenders_list_changed AFTER INSERT OR UPDATE OR DELETE ON tenders
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tender_list_changed();
CREATE CONSTRAINT TRIGGER communities_list_changed AFTER INSERT OR UPDATE OR DELETE ON communities
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tender_list_changed();
-- Only the owner may truncate (never the serving role); it counts too.
CREATE TRIGGER tenders_list_truncated AFTER TRUNCATE ON tenders
    FOR EACH STATEMENT EXECUTE FUNCTION tender_list_changed();
CREATE TRIGGER communities_list_truncated AFTER TRUNCATE ON communities
    FOR EACH STATEMENT EXECUTE FUNCTION tender_list_changed();

-- +goose Down
DROP TRIGGER communities_list_truncated ON communities;
DROP TRIGGER tenders_list_truncated ON tenders;
DROP TRIGGER communities_list_changed ON communities;
DROP TRIGGER tenders_list_changed ON tenders;
DROP FUNCTION tender_list_changed();
DROP TABLE tender_list_version;
