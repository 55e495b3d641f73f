-- +goose Up
-- The search no longer asks for phrases (storage/search.go: each term's
-- rarest bigram from the index, then the exact substring), so the bigrams
-- need no positions, and without positions nothing limits them to the first
-- 16,000 characters (tsvector's last position): a term found by walking the
-- list (substring of the whole text) is now also found through the index.
-- Without positions the column is also smaller (about 1.2 KB against 1.75 KB
-- for the bench's 140-character tenders). A generated column cannot change
-- its expression in PostgreSQL 15, so it is dropped and added again, which
-- recomputes it and drops its index.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION lsmz_bigrams(t text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT COALESCE(string_agg('''' || replace(replace(g, '\', '\\'), '''', '''''') || '''', ' ')::tsvector, ''::tsvector)
    FROM (SELECT c || lead(c) OVER (ORDER BY i) AS g
          FROM regexp_split_to_table(lower(regexp_replace(t, '\s+', ' ', 'g')) || ' ', '')
               WITH ORDINALITY AS x(c, i)) y
    WHERE g IS NOT NULL
$$;
-- +goose StatementEnd
ALTER TABLE tenders DROP COLUMN search;
ALTER TABLE tenders ADD COLUMN search tsvector GENERATED ALWAYS AS (lsmz_bigrams(title || ' ' || description)) STORED;
CREATE INDEX tenders_search_idx ON tenders USING gin (search);

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION lsmz_bigrams(t text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT COALESCE(string_agg('''' || replace(replace(g, '\', '\\'), '''', '''''') || ''':' || i, ' ')::tsvector, ''::tsvector)
    FROM (SELECT c || lead(c) OVER (ORDER BY i) AS g, i
          FROM regexp_split_to_table(lower(left(regexp_replace(t, '\s+', ' ', 'g'), 16000)) || ' ', '')
               WITH ORDINALITY AS x(c, i)) y
    WHERE g IS NOT NULL
$$;
-- +goose StatementEnd
ALTER TABLE tenders DROP COLUMN search;
ALTER TABLE tenders ADD COLUMN search tsvector GENERATED ALWAYS AS (lsmz_bigrams(title || ' ' || description)) STORED;
CREATE INDEX tenders_search_idx ON tenders USING gin (search);
