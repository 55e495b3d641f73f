-- +goose Up
CREATE TABLE organizations (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                 text NOT NULL,
    uscc                 text NOT NULL UNIQUE,
    type                 text NOT NULL CHECK (type IN ('social_org', 'social_work_agency', 'volunteer_org')),
    registration         text NOT NULL CHECK (registration IN ('registered', 'filed')),
    community            text NOT NULL,
    legal_representative text NOT NULL,
    contact_phone        text NOT NULL,
    staff_total          integer NOT NULL DEFAULT 0 CHECK (staff_total >= 0),
    social_workers       integer NOT NULL DEFAULT 0 CHECK (social_workers >= 0),
    assessment_grade     text CHECK (assessment_grade IN ('1A', '2A', '3A', '4A', '5A')),
    status               text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'suspended')),
    status_reason        text NOT NULL DEFAULT '',
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organizations_status_idx ON organizations (status, created_at);
CREATE INDEX organizations_community_idx ON organizations (community);

-- Sanctions (失信记录) are kept for the public credit profile even after reinstatement.
CREATE TABLE org_sanctions (
    id         bigserial PRIMARY KEY,
    org_id     uuid NOT NULL REFERENCES organizations (id),
    reason     text NOT NULL,
    at         timestamptz NOT NULL DEFAULT now(),
    lifted_at  timestamptz
);
CREATE INDEX org_sanctions_org_idx ON org_sanctions (org_id);

CREATE TABLE users (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    username        text NOT NULL UNIQUE,
    password_hash   text NOT NULL,
    role            text NOT NULL CHECK (role IN ('admin', 'org', 'evaluator', 'auditor')),
    name            text NOT NULL DEFAULT '',
    org_id          uuid REFERENCES organizations (id),
    expertise       text[] NOT NULL DEFAULT '{}',
    employer_org_id uuid REFERENCES organizations (id),
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'org') = (org_id IS NOT NULL))
);

-- Refresh tokens rotate: each use marks the token used and issues its successor
-- in the same family; presenting a used token revokes the whole family.
CREATE TABLE refresh_tokens (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    family     uuid NOT NULL,
    user_id    uuid NOT NULL REFERENCES users (id),
    token_hash text NOT NULL UNIQUE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    revoked_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family);

-- Failed logins and other throttled actions, per key (e.g. username + client address).
CREATE TABLE throttle_events (
    key text NOT NULL,
    at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX throttle_events_key_idx ON throttle_events (key, at);

CREATE TABLE catalog_items (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code        text NOT NULL UNIQUE,
    name        text NOT NULL,
    category    text NOT NULL,
    description text NOT NULL DEFAULT '',
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Audit log: one hash chain per aggregate stream, heads in audit_streams,
-- and a global chain of checkpoints over the changed heads.
CREATE TABLE audit_streams (
    stream           text PRIMARY KEY,
    seq              bigint NOT NULL,
    head_hash        text NOT NULL,
    checkpointed_seq bigint NOT NULL DEFAULT 0
);
CREATE INDEX audit_streams_pending_idx ON audit_streams (stream) WHERE seq > checkpointed_seq;

CREATE TABLE audit_entries (
    id         bigserial PRIMARY KEY,
    stream     text NOT NULL,
    seq        bigint NOT NULL,
    actor_id   text NOT NULL,
    actor_role text NOT NULL,
    action     text NOT NULL,
    entity     text NOT NULL,
    entity_id  text NOT NULL,
    at         timestamptz NOT NULL,
    details    jsonb NOT NULL,
    prev_hash  text NOT NULL,
    hash       text NOT NULL,
    UNIQUE (stream, seq)
);
CREATE INDEX audit_entries_entity_idx ON audit_entries (entity, entity_id, id);

CREATE TABLE audit_checkpoints (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    heads     jsonb NOT NULL,
    prev_hash text NOT NULL,
    hash      text NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION audit_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_entries_immutable BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_immutable();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_immutable();
CREATE TRIGGER audit_checkpoints_immutable BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_immutable();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_immutable();

-- Small settings kept by the portal itself (e.g. the generated receipt key).
CREATE TABLE settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE audit_checkpoints;
DROP TABLE audit_entries;
DROP FUNCTION audit_immutable;
DROP TABLE audit_streams;
DROP TABLE catalog_items;
DROP TABLE throttle_events;
DROP TABLE refresh_tokens;
DROP TABLE users;
DROP TABLE org_sanctions;
DROP TABLE organizations;
