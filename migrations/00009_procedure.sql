-- +goose Up
-- Every tender follows a statutory procedure (SPEC §7.3). Tenders that exist
-- before the column get the procedure a tender created without one gets:
-- venture calls venture; purchases public_tender from PORTAL_PUBLIC_TENDER_FEN
-- (default 100万元) up, below it competitive_negotiation when they evaluate by
-- the lowest price, else competitive_consultation (tender.DefaultProcedure).
ALTER TABLE tenders ADD COLUMN procedure text;

-- +goose ENVSUB ON
UPDATE tenders SET procedure = CASE
    WHEN kind = 'venture' THEN 'venture'
    WHEN budget_fen >= ${PORTAL_PUBLIC_TENDER_FEN:-100000000}::bigint THEN 'public_tender'
    WHEN evaluation->>'method' = 'lowest_price' THEN 'competitive_negotiation'
    ELSE 'competitive_consultation' END;
-- +goose ENVSUB OFF

ALTER TABLE tenders ALTER COLUMN procedure SET NOT NULL;
ALTER TABLE tenders ADD CONSTRAINT tenders_procedure_check CHECK (procedure IN
    ('public_tender', 'competitive_consultation', 'competitive_negotiation', 'single_source', 'venture', 'claim'));

-- +goose Down
ALTER TABLE tenders DROP COLUMN procedure;
