-- +goose Up
-- Evaluators the bureau named for a contract evaluation instead of drawing
-- them (SPEC §8.4 applied to §7.6): allowed, and a public red flag
-- (不随机抽取) carrying the reason.
CREATE TABLE contract_panel_appointments (
    id            bigserial PRIMARY KEY,
    contract_id   uuid NOT NULL REFERENCES contracts (id),
    milestone_id  uuid NOT NULL REFERENCES contract_milestones (id),
    evaluation_id uuid NOT NULL REFERENCES contract_evaluations (id),
    evaluator_ids text[] NOT NULL,
    reason        text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX contract_panel_appointments_contract_idx ON contract_panel_appointments (contract_id);

-- +goose Down
DROP TABLE contract_panel_appointments;
