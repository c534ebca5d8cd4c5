-- depends: reporting_0001_dossiers
-- The figures' read model: every fact a dossier contributes, daily rollups by
-- (day, agency, procedure, field), the catalog, coverage and the plan's tasks.

ALTER TABLE dossiers
    ADD COLUMN ma_linh_vuc       text        NOT NULL DEFAULT '',
    ADD COLUMN ngay_hen_tra      timestamptz,
    ADD COLUMN ngay_tra          timestamptz,
    ADD COLUMN reused            boolean     NOT NULL DEFAULT false,
    ADD COLUMN electronic_result boolean     NOT NULL DEFAULT false,
    ADD COLUMN paid_online       boolean     NOT NULL DEFAULT false,
    ADD COLUMN received_day      date,
    ADD COLUMN processed_day     date;

UPDATE dossiers SET
    ngay_hen_tra  = due_at_in_force,
    received_day  = (ngay_tiep_nhan AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
    processed_day = CASE WHEN trang_thai_ho_so IN (9, 10) AND ngay_ket_thuc_xu_ly IS NOT NULL
                         THEN (ngay_ket_thuc_xu_ly AT TIME ZONE 'Asia/Ho_Chi_Minh')::date END;
ALTER TABLE dossiers ALTER COLUMN received_day SET NOT NULL;

-- Dossiers in process (status 2, 4, 5, 6): counted and listed as of now, overdue by due date.
CREATE INDEX dossiers_open ON dossiers (received_day, agency_code)
    INCLUDE (due_at_in_force) WHERE trang_thai_ho_so IN (2, 4, 5, 6);

-- One row per (day, agency, procedure, field). Received-side counts are on the day of
-- NgayTiepNhan, processed-side counts on the day of NgayKetThucXuLy.
CREATE TABLE kpi_daily (
    day               date    NOT NULL,
    agency_code       text    NOT NULL,
    ma_tthc           text    NOT NULL,
    ma_linh_vuc       text    NOT NULL,
    received          integer NOT NULL DEFAULT 0,
    online            integer NOT NULL DEFAULT 0,
    postal            integer NOT NULL DEFAULT 0,
    digitized         integer NOT NULL DEFAULT 0,
    reused            integer NOT NULL DEFAULT 0,
    paid_online       integer NOT NULL DEFAULT 0,
    refused           integer NOT NULL DEFAULT 0,
    withdrawn         integer NOT NULL DEFAULT 0,
    stopped           integer NOT NULL DEFAULT 0,
    processed         integer NOT NULL DEFAULT 0,
    on_time           integer NOT NULL DEFAULT 0,
    late              integer NOT NULL DEFAULT 0,
    result_returned   integer NOT NULL DEFAULT 0,
    electronic_result integer NOT NULL DEFAULT 0,
    PRIMARY KEY (day, agency_code, ma_tthc, ma_linh_vuc)
);

-- The rows the dossiers already stored contribute (their on-time rule is the domain's).
INSERT INTO kpi_daily (day, agency_code, ma_tthc, ma_linh_vuc, received, online, postal, digitized,
                       refused, withdrawn, stopped)
SELECT received_day, agency_code, ma_tthc, ma_linh_vuc, count(*),
       count(*) FILTER (WHERE kenh_thuc_hien = 2), count(*) FILTER (WHERE kenh_thuc_hien = 3),
       count(*) FILTER (WHERE digitized), count(*) FILTER (WHERE trang_thai_ho_so = 3),
       count(*) FILTER (WHERE trang_thai_ho_so = 7), count(*) FILTER (WHERE trang_thai_ho_so = 8)
FROM dossiers GROUP BY 1, 2, 3, 4;

INSERT INTO kpi_daily AS k (day, agency_code, ma_tthc, ma_linh_vuc, processed, on_time, late,
                            result_returned)
SELECT processed_day, agency_code, ma_tthc, ma_linh_vuc, count(*),
       count(*) FILTER (WHERE supplement_count <= 1 AND ngay_ket_thuc_xu_ly <= due_at_in_force),
       count(*) FILTER (WHERE NOT (supplement_count <= 1 AND ngay_ket_thuc_xu_ly <= due_at_in_force)),
       count(*) FILTER (WHERE trang_thai_ho_so = 10)
FROM dossiers WHERE processed_day IS NOT NULL GROUP BY 1, 2, 3, 4
ON CONFLICT (day, agency_code, ma_tthc, ma_linh_vuc) DO UPDATE SET
    processed = EXCLUDED.processed, on_time = EXCLUDED.on_time, late = EXCLUDED.late,
    result_returned = EXCLUDED.result_returned;

DROP TABLE received_daily;

CREATE TABLE procedures (
    ma_tthc         text PRIMARY KEY,
    ten_tthc        text,
    ma_linh_vuc     text,
    ten_linh_vuc    text,
    agency_code     text,
    at_center       boolean,
    muc_do_dvc      text,
    withdrawn       boolean NOT NULL DEFAULT false,
    catalog_version integer NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agencies (
    agency_code text PRIMARY KEY,
    name        text NOT NULL,
    kind        text,
    occurred_at timestamptz NOT NULL
);

CREATE TABLE coverage (
    agency_code text PRIMARY KEY,
    eligible    integer NOT NULL,
    at_center   integer NOT NULL,
    excluded    integer NOT NULL,
    as_of       date    NOT NULL,
    occurred_at timestamptz NOT NULL
);

CREATE TABLE decisions (
    decision_no    text PRIMARY KEY,
    signed_on      date NOT NULL,
    effective_from date NOT NULL,
    added          integer NOT NULL,
    changed        integer NOT NULL,
    withdrawn      integer NOT NULL
);

CREATE TABLE plans (
    plan_id     text PRIMARY KEY,
    title       text,
    issue_date  date,
    launch_date date,
    occurred_at timestamptz
);

-- Each group of facts keeps the time of the event that set it: an older event never wins.
CREATE TABLE plan_tasks (
    task_ref       text PRIMARY KEY,
    plan_id        text    NOT NULL,
    task_no        integer NOT NULL,
    agency_code    text    NOT NULL,
    title          text,
    deadline_text  text,
    registered_at  timestamptz,
    due_on         date,
    due_at         timestamptz,
    percent        integer,
    percent_at     timestamptz,
    status         text,
    status_at      timestamptz,
    withdrawn      boolean NOT NULL DEFAULT false,
    withdrawn_at   timestamptz,
    overdue_alerts integer NOT NULL DEFAULT 0
);

CREATE TABLE monthly_reports (
    report_ref   text PRIMARY KEY,
    plan_id      text NOT NULL,
    agency_code  text NOT NULL,
    month        text NOT NULL,
    state        text NOT NULL,
    submitted_at timestamptz,
    occurred_at  timestamptz NOT NULL
);
