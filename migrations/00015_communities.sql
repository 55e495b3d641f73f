-- +goose Up
-- Communities become records (SPEC §7.1). The free-text community of
-- organizations and tenders turns into one registry entry per distinct name;
-- the town is the name up to its 街道/镇/乡, and a name under a 镇 or 乡 (or
-- ending in 村) is taken as rural. Counts start at 0 for the bureau to fill in.
CREATE TABLE communities (
    id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                     text NOT NULL UNIQUE,
    town                     text NOT NULL DEFAULT '',
    kind                     text NOT NULL CHECK (kind IN ('urban', 'rural')),
    residents                integer NOT NULL DEFAULT 0 CHECK (residents >= 0),
    staff_total              integer NOT NULL DEFAULT 0 CHECK (staff_total >= 0),
    social_work_staff        integer NOT NULL DEFAULT 0 CHECK (social_work_staff >= 0 AND social_work_staff <= staff_total),
    certified_social_workers integer NOT NULL DEFAULT 0
        CHECK (certified_social_workers >= 0 AND certified_social_workers <= social_work_staff),
    registered_volunteers    integer NOT NULL DEFAULT 0
        CHECK (registered_volunteers >= 0 AND registered_volunteers <= residents),
    created_at               timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at               timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX communities_list_idx ON communities (name, id);

INSERT INTO communities (name, town, kind)
SELECT n, COALESCE(substring(n FROM '^(.+?(?:街道|镇|乡))'), ''),
       CASE WHEN n ~ '村$' OR n ~ '^.+?(镇|乡)' THEN 'rural' ELSE 'urban' END
FROM (SELECT btrim(community) AS n FROM organizations UNION SELECT btrim(community) FROM tenders) names
WHERE n <> '';

ALTER TABLE organizations ADD COLUMN community_id uuid REFERENCES communities (id);
UPDATE organizations o SET community_id = c.id FROM communities c WHERE c.name = btrim(o.community);
ALTER TABLE organizations DROP COLUMN community;
CREATE INDEX organizations_community_idx ON organizations (community_id);

ALTER TABLE tenders ADD COLUMN community_id uuid REFERENCES communities (id);
UPDATE tenders t SET community_id = c.id FROM communities c WHERE c.name = btrim(t.community);
ALTER TABLE tenders DROP COLUMN community;
CREATE INDEX tenders_community_idx ON tenders (community_id);

-- 社区工作人员: a user bound to one community.
ALTER TABLE users ADD COLUMN community_id uuid REFERENCES communities (id);
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'org', 'evaluator', 'auditor', 'community'));
ALTER TABLE users ADD CONSTRAINT users_community_check CHECK ((role = 'community') = (community_id IS NOT NULL));

-- +goose Down
ALTER TABLE users DROP CONSTRAINT users_community_check;
DELETE FROM users WHERE role = 'community';
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'org', 'evaluator', 'auditor'));
ALTER TABLE users DROP COLUMN community_id;
ALTER TABLE tenders ADD COLUMN community text NOT NULL DEFAULT '';
UPDATE tenders t SET community = c.name FROM communities c WHERE c.id = t.community_id;
ALTER TABLE tenders DROP COLUMN community_id;
CREATE INDEX tenders_community_idx ON tenders (community);
ALTER TABLE organizations ADD COLUMN community text NOT NULL DEFAULT '';
UPDATE organizations o SET community = c.name FROM communities c WHERE c.id = o.community_id;
ALTER TABLE organizations DROP COLUMN community_id;
CREATE INDEX organizations_community_idx ON organizations (community);
DROP TABLE communities;
