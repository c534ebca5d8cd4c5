-- Per-dossier state (the latest revision seen) and the daily received rollup.

CREATE TABLE dossiers (
    ma_ho_so            text        PRIMARY KEY,
    revision            integer     NOT NULL,
    ma_tthc             text        NOT NULL,
    agency_code         text        NOT NULL,
    trang_thai_ho_so    smallint    NOT NULL,
    kenh_thuc_hien      smallint    NOT NULL,
    ngay_tiep_nhan      timestamptz NOT NULL,
    due_at_in_force     timestamptz NOT NULL,
    supplement_count    integer     NOT NULL,
    ngay_ket_thuc_xu_ly timestamptz,
    digitized           boolean     NOT NULL,
    events_applied      integer     NOT NULL,
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE received_daily (
    day         date    NOT NULL,
    agency_code text    NOT NULL,
    ma_tthc     text    NOT NULL,
    received    integer NOT NULL,
    PRIMARY KEY (day, agency_code, ma_tthc)
);
