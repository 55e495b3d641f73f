-- +goose Up
-- The list version (00025) and the lifecycle version (00028) are one row
-- each, which every public list reads first: a serving role that deleted
-- either (it has DML on every table, SPEC §8.5) would turn every list into
-- an error. The rows may only be bumped: inserting or deleting is refused.
-- +goose StatementBegin
CREATE FUNCTION version_row_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'permission denied: % holds one row, which may only be bumped', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER tender_list_version_kept BEFORE INSERT OR DELETE ON tender_list_version
    FOR EACH ROW EXECUTE FUNCTION version_row_kept();
CREATE TRIGGER lifecycle_version_kept BEFORE INSERT OR DELETE ON lifecycle_version
    FOR EACH ROW EXECUTE FUNCTION version_row_kept();

-- +goose Down
DROP TRIGGER lifecycle_version_kept ON lifecycle_version;
DROP TRIGGER tender_list_version_kept ON tender_list_version;
DROP FUNCTION version_row_kept();
