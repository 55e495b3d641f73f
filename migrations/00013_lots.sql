-- +goose Up
-- Lots (标包, SPEC §7.4): a purchase tender may be split into lots, each with
-- its own budget, bids, evaluation and award. The lots live in the tender row
-- (ids "l1", "l2", … like criterion ids, status per lot), so every state
-- change that locks the tender also holds its lots. lot_id '' is the one
-- implicit lot of a tender without lots.
ALTER TABLE tenders ADD COLUMN lots jsonb NOT NULL DEFAULT '[]';
ALTER TABLE bids ADD COLUMN lot_id text NOT NULL DEFAULT '';
ALTER TABLE bids DROP CONSTRAINT bids_tender_id_org_id_key;
ALTER TABLE bids ADD CONSTRAINT bids_tender_org_lot_key UNIQUE (tender_id, org_id, lot_id);
ALTER TABLE recommendations ADD COLUMN lot_id text NOT NULL DEFAULT '';
ALTER TABLE recommendations DROP CONSTRAINT recommendations_pkey;
ALTER TABLE recommendations ADD PRIMARY KEY (tender_id, lot_id);
ALTER TABLE awards ADD COLUMN lot_id text NOT NULL DEFAULT '';
ALTER TABLE objections ADD COLUMN lot_id text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE objections DROP COLUMN lot_id;
ALTER TABLE awards DROP COLUMN lot_id;
ALTER TABLE recommendations DROP CONSTRAINT recommendations_pkey;
ALTER TABLE recommendations DROP COLUMN lot_id;
ALTER TABLE recommendations ADD PRIMARY KEY (tender_id);
ALTER TABLE bids DROP CONSTRAINT bids_tender_org_lot_key;
ALTER TABLE bids DROP COLUMN lot_id;
ALTER TABLE bids ADD CONSTRAINT bids_tender_id_org_id_key UNIQUE (tender_id, org_id);
ALTER TABLE tenders DROP COLUMN lots;
