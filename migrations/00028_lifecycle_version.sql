-- +goose Up
-- One number that changes with every committed change that can change a
-- public page of the contract lifecycle the portal keeps encoded (issue #16
-- item 7, docs/DECISIONS.md "Performance"): the project list, a community's
-- needs, the contract list, a contract's page and its evaluation page. The
-- portal reads it together with tender_list_version (migration 00025, which
-- already moves with every change of a tender or a community: their titles,
-- codes and names are on these pages) and keeps pages by both.
--
-- What the pages read, and so what moves the number (storage/contracts.go,
-- contract_evaluations.go, plan.go, needs.go):
--   contracts, contract_milestones, contract_criteria, contract_payments,
--   contract_reports, contract_volunteers (a report's volunteer count),
--   contract_panel_appointments (named panels: a red flag),
--   contract_evaluations, contract_panel_members, contract_scores (the
--   results of a complete round), calendar_days (a contract's red flags count
--   working days), project_items, needs (but not a submitted one's insert),
--   and an organization's name (a
--   contract shows its contractor's name; nothing else of organizations).
-- Never bids, scores (a tender's evaluation), audit_* or the other tables
-- written in bursts: their commits would all wait for this one row. The
-- tables above are written by the bureau, a contract's contractor and its
-- 3–5 evaluators, a community's staff and residents' needs: a few a day.
--
-- Deferred to the commit, one bump per transaction, for the reasons given in
-- 00025. With two such rows, a transaction writing a tender and then a
-- contract (a completion) would lock tender_list_version and then this row
-- at its commit, and one writing a need and then a community this row and
-- then tender_list_version: a cycle. So the bump here first locks
-- tender_list_version's row (without changing it): every transaction takes
-- the two rows in the same order, tender_list_version first, and they stay
-- its last locks; a writer may wait for another's commit, never in a cycle.
CREATE TABLE lifecycle_version (
    one  boolean PRIMARY KEY DEFAULT true CHECK (one),
    n    bigint NOT NULL DEFAULT 0,
    xact xid8
);
INSERT INTO lifecycle_version DEFAULT VALUES;

-- +goose StatementBegin
CREATE FUNCTION lifecycle_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM FROM tender_list_version FOR UPDATE;
    UPDATE lifecycle_version SET n = n + 1, xact = pg_current_xact_id()
     WHERE xact IS DISTINCT FROM pg_current_xact_id();
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['contracts', 'contract_milestones', 'contract_criteria', 'contract_payments',
        'contract_reports', 'contract_volunteers', 'contract_panel_appointments', 'contract_evaluations',
        'contract_panel_members', 'contract_scores', 'calendar_days', 'project_items']
    LOOP
        EXECUTE format('CREATE CONSTRAINT TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION lifecycle_changed()', t || '_lifecycle_changed', t);
        EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION lifecycle_changed()',
            t || '_lifecycle_truncated', t);
    END LOOP;
END
$$;
-- +goose StatementEnd
-- Needs: a new need is submitted, which the public never sees (kept pages
-- are the public's), so an insert counts only when it is not; residents
-- submit needs anonymously and their commits need not queue on the row.
-- Accepting, declining, listing, editing and deleting always count.
CREATE CONSTRAINT TRIGGER needs_lifecycle_changed AFTER UPDATE OR DELETE ON needs
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION lifecycle_changed();
CREATE CONSTRAINT TRIGGER needs_lifecycle_inserted AFTER INSERT ON needs
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.status <> 'submitted') EXECUTE FUNCTION lifecycle_changed();
CREATE TRIGGER needs_lifecycle_truncated AFTER TRUNCATE ON needs FOR EACH STATEMENT EXECUTE FUNCTION lifecycle_changed();
-- Organizations: only a new name (an insert names no contract yet; a delete
-- of one with contracts is refused by their foreign key).
CREATE CONSTRAINT TRIGGER organizations_lifecycle_changed AFTER UPDATE OF name ON organizations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION lifecycle_changed();

-- +goose Down
DROP TRIGGER organizations_lifecycle_changed ON organizations;
DROP TRIGGER needs_lifecycle_truncated ON needs;
DROP TRIGGER needs_lifecycle_inserted ON needs;
DROP TRIGGER needs_lifecycle_changed ON needs;
-- +goose StatementBegin
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['contracts', 'contract_milestones', 'contract_criteria', 'contract_payments',
        'contract_reports', 'contract_volunteers', 'contract_panel_appointments', 'contract_evaluations',
        'contract_panel_members', 'contract_scores', 'calendar_days', 'project_items']
    LOOP
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_lifecycle_changed', t);
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_lifecycle_truncated', t);
    END LOOP;
END
$$;
-- +goose StatementEnd
DROP FUNCTION lifecycle_changed();
DROP TABLE lifecycle_version;
