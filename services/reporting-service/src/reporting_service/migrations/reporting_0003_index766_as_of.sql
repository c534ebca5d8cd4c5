-- depends: reporting_0002_figures
-- The 766 index and figures "as of" a date: which procedures carry a fee, indexes to find the
-- dossiers that were still in process at a past moment, and the office's outside figures.

ALTER TABLE procedures ADD COLUMN fee_bearing boolean;

-- Dossiers closed (refused, withdrawn, stopped, processed, returned) by the moment they closed:
-- those closed after a past "as of" moment were still in process then.
CREATE INDEX dossiers_closed_at ON dossiers ((coalesce(ngay_ket_thuc_xu_ly, ngay_tra)))
    INCLUDE (received_day, agency_code, due_at_in_force)
    WHERE trang_thai_ho_so IN (3, 7, 8, 9, 10);

-- Average processing time over the dossiers processed in a period.
CREATE INDEX dossiers_processed_day ON dossiers (processed_day, agency_code)
    WHERE processed_day IS NOT NULL;

-- Figures the dossier stream cannot give (surveys, complaints, the portal's publication checks),
-- entered by the office with who, why and where from. Append-only: the latest entry for an
-- indicator, scope and period wins, the earlier ones stay as the audit trail.
CREATE TABLE index766_inputs (
    id          bigserial   PRIMARY KEY,
    indicator   text        NOT NULL,
    agency_code text,                       -- NULL: city-wide
    period_from date        NOT NULL,
    period_to   date        NOT NULL,
    numerator   numeric     NOT NULL CHECK (numerator >= 0),
    denominator numeric     NOT NULL CHECK (denominator > 0 AND numerator <= denominator),
    source      text        NOT NULL,
    entered_by  text        NOT NULL,
    reason      text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    CHECK (period_from <= period_to)
);
CREATE INDEX index766_inputs_lookup ON index766_inputs (indicator, agency_code, period_to);

CREATE FUNCTION index766_inputs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'index766_inputs is append-only (% refused)', TG_OP;
END
$$;
CREATE TRIGGER index766_inputs_append_only BEFORE UPDATE OR DELETE ON index766_inputs
    FOR EACH ROW EXECUTE FUNCTION index766_inputs_append_only();
