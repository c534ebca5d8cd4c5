-- depends: gateway_0007_dossier_snapshot_columns
-- Agencies renamed, merged, split or closed (catalog.agencies.v1 agency.lineage_changed): a
-- predecessor's keys and numbering are bound to its successors for a transition period.

CREATE TABLE agency_successions (
    predecessor    text        PRIMARY KEY,
    successors     text[]      NOT NULL,
    kind           text        NOT NULL,
    effective_from date        NOT NULL,
    decision_no    text        NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now()
);

-- The operator's transition period for one predecessor (else the gateway's default applies).
CREATE TABLE agency_transitions (
    predecessor    text        PRIMARY KEY,
    accepted_until date        NOT NULL,
    set_by         text        NOT NULL,
    set_at         timestamptz NOT NULL DEFAULT now()
);
