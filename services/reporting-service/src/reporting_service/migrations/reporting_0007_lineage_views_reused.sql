-- depends: reporting_0006_agency_lineage
-- The "today" view again, with kpi_daily's reused_from_national_db count: reporting_0006_agency
-- _lineage listed kpi_daily's columns before that count existed, so the "today" figures failed.

DROP VIEW IF EXISTS kpi_daily_today;
CREATE VIEW kpi_daily_today AS
SELECT k.day,
       coalesce(tp.today_code, ta.today_code, k.agency_code) AS agency_code,
       k.agency_code AS agency_then, k.ma_tthc, k.ma_linh_vuc, k.received, k.online, k.postal,
       k.digitized, k.reused, k.reused_from_national_db, k.paid_online, k.refused, k.withdrawn,
       k.stopped, k.processed, k.on_time, k.late, k.result_returned, k.electronic_result
FROM kpi_daily k
LEFT JOIN agency_today tp ON tp.agency_code = k.agency_code AND tp.ma_tthc = k.ma_tthc
    AND tp.effective_from <= current_date
LEFT JOIN agency_today ta ON ta.agency_code = k.agency_code AND ta.ma_tthc = ''
    AND ta.effective_from <= current_date;
