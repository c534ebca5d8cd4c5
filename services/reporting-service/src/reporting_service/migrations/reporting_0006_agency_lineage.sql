-- depends: reporting_0005_kpi_daily_by_agency
-- Figures "as the organisation is today": each (agency, procedure) of the figures mapped to the
-- agency that holds it today, after the renames, merges and splits the catalog published
-- (agency.lineage_changed). The figures themselves stay as they were received ("as the
-- organisation was": the agency that held each dossier then).

CREATE TABLE agency_successions (
    predecessor    text PRIMARY KEY,
    successors     text[] NOT NULL,
    kind           text NOT NULL,
    effective_from date NOT NULL,
    decision_no    text NOT NULL
);

-- Which successor a split hands each of its procedures to.
CREATE TABLE procedure_moves (
    ma_tthc     text NOT NULL,
    from_agency text NOT NULL,
    to_agency   text NOT NULL,
    PRIMARY KEY (ma_tthc, from_agency)
);

-- Derived from the two above (domain.lineage): the agency holding an agency's figures today,
-- for all its procedures (ma_tthc = '') or one of them (a split). `effective_from`: the day
-- the last change of the chain took effect (the mapping applies from then on).
CREATE TABLE agency_today (
    agency_code    text NOT NULL,
    ma_tthc        text NOT NULL,
    today_code     text NOT NULL,
    effective_from date NOT NULL,
    PRIMARY KEY (agency_code, ma_tthc)
);

CREATE VIEW kpi_daily_today AS
SELECT k.day,
       coalesce(tp.today_code, ta.today_code, k.agency_code) AS agency_code,
       k.agency_code AS agency_then, k.ma_tthc, k.ma_linh_vuc, k.received, k.online, k.postal,
       k.digitized, k.reused, k.paid_online, k.refused, k.withdrawn, k.stopped, k.processed,
       k.on_time, k.late, k.result_returned, k.electronic_result
FROM kpi_daily k
LEFT JOIN agency_today tp ON tp.agency_code = k.agency_code AND tp.ma_tthc = k.ma_tthc
    AND tp.effective_from <= current_date
LEFT JOIN agency_today ta ON ta.agency_code = k.agency_code AND ta.ma_tthc = ''
    AND ta.effective_from <= current_date;

CREATE VIEW dossiers_today AS
SELECT d.ma_ho_so,
       coalesce(tp.today_code, ta.today_code, d.agency_code) AS agency_code,
       d.agency_code AS agency_then, d.ma_tthc, d.ma_linh_vuc, d.received_day, d.processed_day,
       d.ngay_tiep_nhan, d.ngay_hen_tra, d.due_at_in_force, d.trang_thai_ho_so,
       d.supplement_count, d.ngay_ket_thuc_xu_ly, d.ngay_tra
FROM dossiers d
LEFT JOIN agency_today tp ON tp.agency_code = d.agency_code AND tp.ma_tthc = d.ma_tthc
    AND tp.effective_from <= current_date
LEFT JOIN agency_today ta ON ta.agency_code = d.agency_code AND ta.ma_tthc = ''
    AND ta.effective_from <= current_date;
