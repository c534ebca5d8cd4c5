-- integration-gateway: identities, the catalog it checks against, dossier state, audit, deliveries.

CREATE TABLE api_keys (
    key_id        text        PRIMARY KEY,
    agency_code   text        NOT NULL,
    key_hash      text        NOT NULL UNIQUE,
    key_encrypted bytea       NOT NULL,
    label         text,
    created_by    text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz
);
CREATE INDEX api_keys_agency ON api_keys (agency_code) WHERE revoked_at IS NULL;

-- Read model of catalog.procedures.v1: which agency owns which procedure.
CREATE TABLE procedures (
    ma_tthc     text    PRIMARY KEY,
    ten_tthc    text    NOT NULL,
    agency_code text    NOT NULL,
    at_center   boolean NOT NULL,
    withdrawn   boolean NOT NULL DEFAULT false,
    version     integer NOT NULL
);

-- The facts of each dossier as last accepted (no personal data: the applicant is a pseudonym).
CREATE TABLE dossiers (
    ma_ho_so            text        PRIMARY KEY,
    ma_tthc             text        NOT NULL,
    ma_linh_vuc         text,
    agency_code         text        NOT NULL,
    kenh_thuc_hien      smallint    NOT NULL,
    loai_doi_tuong      smallint,
    applicant_id        text,
    trang_thai_ho_so    smallint    NOT NULL,
    ngay_tiep_nhan      timestamptz NOT NULL,
    ngay_hen_tra        timestamptz NOT NULL,
    due_at_in_force     timestamptz NOT NULL,
    supplement_count    integer     NOT NULL,
    ngay_ket_thuc_xu_ly timestamptz,
    ngay_tra            timestamptz,
    digitized_docs      jsonb       NOT NULL,
    digitized           boolean     NOT NULL,
    reused_data         boolean     NOT NULL,
    electronic_result   boolean     NOT NULL,
    paid_online         boolean     NOT NULL,
    revision            integer     NOT NULL,
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Every ingest and admin action. Append-only: the API offers no change, and the database refuses one.
CREATE TABLE audit_log (
    id          bigserial   PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text        NOT NULL,
    agency_code text,
    action      text        NOT NULL,
    outcome     text        NOT NULL,
    accepted    integer     NOT NULL DEFAULT 0,
    rejected    integer     NOT NULL DEFAULT 0,
    details     jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_agency_at ON audit_log (agency_code, at);
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();

-- CapNhatTienDoHoSoMC steps already published (a step sent again makes no new event).
CREATE TABLE processing_steps (
    step_id     uuid        PRIMARY KEY,
    ma_ho_so    text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);

-- External systems and what they receive.
CREATE TABLE connectors (
    name          text        PRIMARY KEY,
    kind          text        NOT NULL,
    endpoint      text        NOT NULL,
    secret        text,
    topics        text[]      NOT NULL,
    agency_code   text,
    paused        boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Durable deliveries: written before they are attempted, one per connector and event.
CREATE TABLE deliveries (
    id              bigserial   PRIMARY KEY,
    connector       text        NOT NULL REFERENCES connectors (name),
    event_id        uuid        NOT NULL,
    event_type      text        NOT NULL,
    message_key     text        NOT NULL,
    payload         bytea       NOT NULL,
    status          text        NOT NULL DEFAULT 'pending',
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    UNIQUE (connector, event_id)
);
CREATE INDEX deliveries_pending ON deliveries (connector, message_key, id) WHERE status = 'pending';
