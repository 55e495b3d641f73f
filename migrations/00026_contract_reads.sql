-- +goose Up
-- Indexes that the public reads of SPEC §7 need at 10,000 organizations and
-- 1,000,000 bids (bench/lifecycle, issue #16 item 7; EXPLAIN (ANALYZE,
-- BUFFERS) in bench/README.md). Without them every one of these reads scanned
-- the whole table, once per request or once per organization of a page:
-- contract_reports by contract: a contract's public page (Store.Reports),
-- a community's page and indicators (service records of its contracts);
-- contract_evaluations by contract: each credit profile's average final
-- grade (creditColumns' final_avg), the contract ledger.
CREATE INDEX contract_reports_contract_idx ON contract_reports (contract_id);
CREATE INDEX contract_evaluations_contract_idx ON contract_evaluations (contract_id);

-- +goose Down
DROP INDEX contract_evaluations_contract_idx;
DROP INDEX contract_reports_contract_idx;
