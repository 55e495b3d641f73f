-- +goose Up
-- Contracts and delivery (履约, SPEC §7.5–7.6): one contract per completed
-- award, so one per lot where a tender has lots (awards.lot_id); lot_id is
-- null for an award without a lot.
CREATE TABLE contracts (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    award_id      uuid NOT NULL UNIQUE REFERENCES awards (id),
    tender_id     uuid NOT NULL REFERENCES tenders (id),
    lot_id        text,
    org_id        uuid NOT NULL REFERENCES organizations (id),
    amount_fen    bigint NOT NULL CHECK (amount_fen > 0),
    period_start  date NOT NULL,
    period_end    date NOT NULL CHECK (period_end >= period_start),
    status        text NOT NULL DEFAULT 'drafted'
        CHECK (status IN ('drafted', 'active', 'suspended', 'completed', 'terminated')),
    status_reason text NOT NULL DEFAULT '',
    awarded_at    timestamptz NOT NULL, -- the award notice (中标、成交通知书)
    signed_on     date,                 -- the date on the signed contract
    signed_at     timestamptz,          -- when the bureau recorded and published it
    document_id   uuid,                 -- the signed contract (documents, owner_type 'contract')
    completed_at  timestamptz,
    -- Verifiable evaluation-panel draws (§8.4 applied to contracts): H(r) is
    -- public from the start, r (sealed like the tenders' secrets) once the
    -- contract has ended; draws counts the panel draws made so far.
    draw_commitment text NOT NULL DEFAULT '',
    draw_sealed_r   bytea,
    draws           integer NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX contracts_list_idx ON contracts (created_at DESC, id DESC);
CREATE INDEX contracts_tender_idx ON contracts (tender_id);
CREATE INDEX contracts_org_idx ON contracts (org_id, status);
-- The completion timer looks at active contracts past their period.
CREATE INDEX contracts_due_idx ON contracts (period_end) WHERE status = 'active';

CREATE TABLE contract_milestones (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    contract_id uuid NOT NULL REFERENCES contracts (id),
    seq         integer NOT NULL,
    title       text NOT NULL,
    due_date    date NOT NULL,
    payment_pct integer NOT NULL CHECK (payment_pct BETWEEN 0 AND 100),
    report      text NOT NULL CHECK (report IN ('progress', 'mid_term', 'final')),
    status      text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'submitted', 'returned', 'accepted', 'paid', 'withheld')),
    reason      text NOT NULL DEFAULT '',
    overdue_at  timestamptz, -- set once by the overdue job
    UNIQUE (contract_id, seq)
);
CREATE INDEX contract_milestones_due_idx ON contract_milestones (due_date) WHERE status IN ('pending', 'returned');

CREATE TABLE contract_criteria (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    contract_id uuid NOT NULL REFERENCES contracts (id),
    seq         integer NOT NULL,
    name        text NOT NULL,
    max_score   integer NOT NULL CHECK (max_score > 0),
    UNIQUE (contract_id, seq)
);

-- Every submission of a milestone report; the newest is the current one.
-- Service-record figures are columns so indicators aggregate them in SQL;
-- volunteer hours are hundredths of an hour.
CREATE TABLE contract_reports (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    contract_id     uuid NOT NULL REFERENCES contracts (id),
    milestone_id    uuid NOT NULL REFERENCES contract_milestones (id),
    text            text NOT NULL,
    document_ids    uuid[] NOT NULL DEFAULT '{}',
    period_start    date NOT NULL,
    period_end      date NOT NULL,
    beneficiaries   integer NOT NULL CHECK (beneficiaries >= 0),
    activities      integer NOT NULL CHECK (activities >= 0),
    social_workers  integer NOT NULL CHECK (social_workers >= 0),
    volunteer_hours bigint NOT NULL CHECK (volunteer_hours >= 0),
    status          text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'accepted', 'returned')),
    reason          text NOT NULL DEFAULT '',
    submitted_by    uuid REFERENCES users (id),
    submitted_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    decided_at      timestamptz
);
CREATE INDEX contract_reports_milestone_idx ON contract_reports (milestone_id, submitted_at DESC);
CREATE INDEX contract_reports_accepted_idx ON contract_reports (period_end) WHERE status = 'accepted';

-- Volunteers of a report, by the hash the client computed (never a person's number).
CREATE TABLE contract_volunteers (
    report_id uuid NOT NULL REFERENCES contract_reports (id),
    id_hash   text NOT NULL CHECK (id_hash ~ '^[0-9a-f]{64}$'),
    hours     bigint NOT NULL CHECK (hours > 0),
    PRIMARY KEY (report_id, id_hash)
);

CREATE TABLE contract_payments (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    contract_id  uuid NOT NULL REFERENCES contracts (id),
    milestone_id uuid NOT NULL REFERENCES contract_milestones (id),
    amount_fen   bigint NOT NULL CHECK (amount_fen > 0),
    paid_at      date NOT NULL,
    document_id  uuid NOT NULL,
    created_by   uuid REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX contract_payments_contract_idx ON contract_payments (contract_id, created_at);

-- Mid-term and final evaluations (中期评估 / 结项评估): round 2 is the
-- re-evaluation after a failing mid-term (整改).
CREATE TABLE contract_evaluations (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    contract_id       uuid NOT NULL REFERENCES contracts (id),
    milestone_id      uuid NOT NULL REFERENCES contract_milestones (id),
    round             integer NOT NULL CHECK (round >= 1),
    panel_size        integer NOT NULL CHECK (panel_size >= 1),
    status            text NOT NULL DEFAULT 'scoring' CHECK (status IN ('scoring', 'complete')),
    total             bigint, -- hundredths of a point
    grade             text CHECK (grade IN ('excellent', 'good', 'pass', 'fail')),
    completed_at      timestamptz,
    rectification_due date,
    created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (milestone_id, round)
);

CREATE TABLE contract_panel_members (
    evaluation_id uuid NOT NULL REFERENCES contract_evaluations (id),
    evaluator_id  uuid NOT NULL REFERENCES users (id),
    active        boolean NOT NULL DEFAULT true,
    declared      boolean NOT NULL DEFAULT false,
    conflict      boolean NOT NULL DEFAULT false,
    note          text NOT NULL DEFAULT '',
    submitted_at  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (evaluation_id, evaluator_id)
);
CREATE INDEX contract_panel_members_evaluator_idx ON contract_panel_members (evaluator_id);

CREATE TABLE contract_scores (
    evaluation_id uuid NOT NULL REFERENCES contract_evaluations (id),
    evaluator_id  uuid NOT NULL REFERENCES users (id),
    criterion_id  uuid NOT NULL REFERENCES contract_criteria (id),
    score         bigint NOT NULL CHECK (score >= 0),
    comment       text NOT NULL DEFAULT '',
    PRIMARY KEY (evaluation_id, evaluator_id, criterion_id)
);

-- Public credit events (信用公示): a failing final evaluation, a termination.
CREATE TABLE credit_events (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      uuid NOT NULL REFERENCES organizations (id),
    contract_id uuid REFERENCES contracts (id),
    kind        text NOT NULL CHECK (kind IN ('final_evaluation_failed', 'contract_terminated')),
    reason      text NOT NULL DEFAULT '',
    at          timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX credit_events_org_idx ON credit_events (org_id, at);

-- Residents' feedback on active contracts shares the tender feedback queue.
ALTER TABLE feedback ADD COLUMN contract_id uuid REFERENCES contracts (id);

-- Contracts carry the signed contract and payment vouchers; milestones their report documents.
ALTER TABLE documents DROP CONSTRAINT IF EXISTS documents_owner_type_check;
ALTER TABLE documents ADD CONSTRAINT documents_owner_type_check
    CHECK (owner_type IN ('tender', 'bid', 'contract', 'milestone'));

-- +goose Down
ALTER TABLE documents DROP CONSTRAINT IF EXISTS documents_owner_type_check;
ALTER TABLE documents ADD CONSTRAINT documents_owner_type_check CHECK (owner_type IN ('tender', 'bid'));
ALTER TABLE feedback DROP COLUMN contract_id;
DROP TABLE credit_events;
DROP TABLE contract_scores;
DROP TABLE contract_panel_members;
DROP TABLE contract_evaluations;
DROP TABLE contract_payments;
DROP TABLE contract_volunteers;
DROP TABLE contract_reports;
DROP TABLE contract_criteria;
DROP TABLE contract_milestones;
DROP TABLE contracts;
