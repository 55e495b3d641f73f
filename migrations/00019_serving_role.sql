-- +goose Up
-- Least privilege (SPEC §8.5). The portal serves as a role that owns nothing;
-- `portal migrate` runs as the owner and then calls portal_grant_serving(role),
-- which recomputes that role's privileges from the catalogue:
--   * every table of the schema: SELECT, INSERT, UPDATE, DELETE;
--   * append-only tables (those guarded by the audit_immutable trigger, e.g.
--     audit_entries and audit_checkpoints): SELECT and INSERT only;
--   * other audit_* tables (audit_streams, the heads): no DELETE;
--   * every sequence: USAGE and SELECT (nextval for identity and serial columns);
--   * never TRUNCATE, REFERENCES, TRIGGER, ownership or CREATE in the schema;
--     goose's own version table (and its sequence) is not granted at all.
-- It runs after every migration, so a table added by a later migration is
-- granted, and a table that becomes append-only loses UPDATE and DELETE,
-- without that migration saying anything about roles. Without a serving role
-- of its own (the serving role is the owner) it does nothing.
-- +goose StatementBegin
CREATE FUNCTION portal_grant_serving(serving name) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t record;
    privs text;
BEGIN
    IF serving = current_user THEN
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = serving) THEN
        RAISE EXCEPTION 'serving role % does not exist', serving USING ERRCODE = 'undefined_object';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = serving AND (rolsuper OR rolbypassrls)) THEN
        RAISE EXCEPTION 'serving role % is a superuser: it could disable the audit triggers', serving
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF pg_has_role(serving, current_user, 'MEMBER') THEN
        RAISE EXCEPTION 'serving role % is a member of the owner %: it would act as the owner', serving, current_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'public' AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = serving)) THEN
        RAISE EXCEPTION 'serving role % owns objects of the schema: migrate as their owner, then serve as a role that owns nothing', serving
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Nobody but the owner creates objects in the schema (PostgreSQL 15 and
    -- later already say so; earlier versions granted CREATE to PUBLIC).
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', serving);
    EXECUTE format('REVOKE CREATE ON SCHEMA public FROM %I', serving);
    FOR t IN
        SELECT c.relname, c.relkind,
               EXISTS (SELECT 1 FROM pg_trigger tg JOIN pg_proc p ON p.oid = tg.tgfoid
                       WHERE tg.tgrelid = c.oid AND p.proname = 'audit_immutable') AS append_only
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
    LOOP
        EXECUTE format('REVOKE ALL ON %I FROM %I', t.relname, serving);
        IF t.relname LIKE 'goose\_%' THEN
            CONTINUE;
        ELSIF t.relkind = 'S' THEN
            privs := 'USAGE, SELECT';
        ELSIF t.append_only THEN
            privs := 'SELECT, INSERT';
        ELSIF t.relname LIKE 'audit\_%' THEN
            privs := 'SELECT, INSERT, UPDATE';
        ELSE
            privs := 'SELECT, INSERT, UPDATE, DELETE';
        END IF;
        EXECUTE format('GRANT %s ON %s %I TO %I', privs,
                       CASE WHEN t.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, t.relname, serving);
    END LOOP;
END;
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION portal_grant_serving(name) FROM PUBLIC;

-- +goose Down
DROP FUNCTION portal_grant_serving(name);
