-- depends: task_0001_plans
-- Agencies that ended (catalog.agencies.v1 agency.lineage_changed): their open assignments move
-- to the successor once, on the effective date.

CREATE TABLE agency_successions (
    predecessor    text        PRIMARY KEY,
    successors     text[]      NOT NULL,
    kind           text        NOT NULL,
    effective_from date        NOT NULL,
    decision_no    text        NOT NULL,
    applied_at     timestamptz -- when its assignments first moved
);

-- The successor an assignment was handed to: it left the plan for good (a revised plan loaded
-- again does not bring it back).
ALTER TABLE assignments ADD COLUMN moved_to text;
