-- catalog-service: agencies, exclusion grounds, proposals, decisions, and every version of every
-- procedure (append-only). The catalog as of a date is, per procedure, its latest version whose
-- valid_from is on or before that date (valid_from never decreases from one version to the next).

CREATE TABLE agencies (
    code       text        PRIMARY KEY,
    name       text        NOT NULL,
    kind       text        NOT NULL
        CHECK (kind IN ('office', 'department', 'board', 'district', 'commune', 'vertical')),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The legal basis behind points a and b, by date: data, not code (a new decree is a new row).
CREATE TABLE exclusion_grounds (
    ground      text NOT NULL CHECK (ground IN ('a', 'b')),
    valid_from  date NOT NULL,
    valid_until date,
    document    text NOT NULL,
    article     text,
    clause      text,
    point       text,
    description text NOT NULL,
    PRIMARY KEY (ground, valid_from),
    CHECK (valid_until IS NULL OR valid_until >= valid_from)
);

INSERT INTO exclusion_grounds
    (ground, valid_from, valid_until, document, article, clause, point, description)
VALUES
    ('a', '2018-06-21', '2025-06-30', '61/2018/NĐ-CP', '14', '5', 'a',
     'Thuộc điểm a khoản 5 Điều 14 Nghị định 61/2018/NĐ-CP'),
    ('b', '2018-06-21', '2025-06-30', '61/2018/NĐ-CP', '14', '5', 'b',
     'Thuộc điểm b khoản 5 Điều 14 Nghị định 61/2018/NĐ-CP'),
    -- Decree 118/2025/NĐ-CP replaces Decree 61/2018 from 1 July 2025. Its article, clause and
    -- point for these two cases are to be confirmed by the office: update these rows.
    ('a', '2025-07-01', NULL, '118/2025/NĐ-CP', NULL, NULL, NULL,
     'Trường hợp điểm a khoản 5 Điều 14 Nghị định 61/2018/NĐ-CP, nay theo Nghị định 118/2025/NĐ-CP'),
    ('b', '2025-07-01', NULL, '118/2025/NĐ-CP', NULL, NULL, NULL,
     'Trường hợp điểm b khoản 5 Điều 14 Nghị định 61/2018/NĐ-CP, nay theo Nghị định 118/2025/NĐ-CP');

CREATE TABLE decisions (
    decision_no    text        PRIMARY KEY,
    signed_on      date        NOT NULL,
    signer         text        NOT NULL,
    effective_from date        NOT NULL,
    recorded_by    text        NOT NULL,
    reason         text,
    source         text        NOT NULL CHECK (source IN ('import', 'decision')),
    added          text[]      NOT NULL DEFAULT '{}',
    changed        text[]      NOT NULL DEFAULT '{}',
    withdrawn      text[]      NOT NULL DEFAULT '{}',
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (effective_from >= signed_on)
);

-- A department's proposal (task 4): nothing in it takes effect until a decision approves it.
CREATE TABLE proposals (
    id           bigserial   PRIMARY KEY,
    agency_code  text        REFERENCES agencies (code),  -- NULL: compiled by the office (imports)
    submitted_by text        NOT NULL,
    reason       text,
    submitted_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE proposal_entries (
    proposal_id bigint NOT NULL REFERENCES proposals (id),
    ma_tthc     text   NOT NULL,
    line        integer,
    entry       jsonb  NOT NULL,
    decision_no text   REFERENCES decisions (decision_no),  -- set when approved
    PRIMARY KEY (proposal_id, ma_tthc)
);

CREATE TABLE procedure_versions (
    ma_tthc             text        NOT NULL,
    version             integer     NOT NULL CHECK (version >= 1),
    change              text        NOT NULL CHECK (change IN ('registered', 'changed', 'withdrawn')),
    withdrawn           boolean     NOT NULL,
    ten_tthc            text        NOT NULL,
    search_text         text        NOT NULL,  -- code and name folded: no diacritics, lower case
    ma_linh_vuc         text,
    ten_linh_vuc        text,
    agency_code         text        NOT NULL REFERENCES agencies (code),
    cap_thuc_hien       text        NOT NULL,
    muc_do_dvc          text        NOT NULL CHECK (muc_do_dvc IN ('toan_trinh', 'mot_phan', 'truc_tiep')),
    thoi_han_giai_quyet integer     NOT NULL CHECK (thoi_han_giai_quyet >= 0),
    phi_le_phi          text,
    at_center           boolean     NOT NULL,
    exclusion_ground    text        CHECK (exclusion_ground IN ('a', 'b')),
    exclusion_note      text,
    basis_document      text,
    basis_article       text,
    basis_clause        text,
    basis_point         text,
    basis_reason        text,
    valid_from          date        NOT NULL,
    decision_no         text        NOT NULL REFERENCES decisions (decision_no),
    changed_by          text        NOT NULL,
    reason              text,
    recorded_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (ma_tthc, version),
    -- Received at the Center, or excluded with a basis, or explicitly not yet moved: never both.
    CHECK (NOT (at_center AND exclusion_ground IS NOT NULL)),
    CHECK ((exclusion_ground IS NULL) = (basis_document IS NULL))
);
CREATE INDEX procedure_versions_agency ON procedure_versions (agency_code);
CREATE INDEX procedure_versions_decision ON procedure_versions (decision_no);

-- What the service last announced per agency (coverage counts, onboarded or not).
CREATE TABLE agency_status (
    agency_code     text        PRIMARY KEY REFERENCES agencies (code),
    total           integer     NOT NULL,
    at_center       integer     NOT NULL,
    excluded        integer     NOT NULL,
    pending         integer     NOT NULL,
    fully_onboarded boolean     NOT NULL,
    as_of           date        NOT NULL,
    decision_no     text        REFERENCES decisions (decision_no),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
