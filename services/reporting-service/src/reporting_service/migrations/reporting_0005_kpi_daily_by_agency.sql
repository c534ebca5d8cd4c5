-- depends: reporting_0004_reused_from_national_db
-- The agencies that have figures, found without reading the whole rollup table: each snapshot
-- round asks for them, and with years of history (5 million dossiers: a million rollup rows)
-- the sequential scan took most of a second per round. The index is only written when a new
-- (day, agency, procedure, field) row appears; the far more frequent count updates leave it be.

CREATE INDEX kpi_daily_agency ON kpi_daily (agency_code);
