-- Agencies through the 2025 reorganisation: each agency exists from a date to a date, belongs
-- to a level of government, and may be a receiving place (a commune's one-stop point). A
-- decision renames, merges, splits or closes agencies from its effective date; the procedures
-- of an agency that ends move to its successors as new versions recorded by the same decision,
-- so a procedure's history keeps its former owners.

ALTER TABLE agencies
    ADD COLUMN level           text CHECK (level IN ('city', 'district', 'commune')),
    ADD COLUMN receiving_place boolean NOT NULL DEFAULT false,
    ADD COLUMN active_from     date,
    ADD COLUMN closed_from     date,
    ADD CONSTRAINT agencies_active_before_closed
        CHECK (closed_from IS NULL OR active_from IS NULL OR closed_from > active_from);

-- The agencies registered so far are the city's departments, boards and the office; districts
-- and communes were registered with their kind.
UPDATE agencies SET level = CASE kind WHEN 'district' THEN 'district'
                                      WHEN 'commune' THEN 'commune'
                                      WHEN 'vertical' THEN NULL
                                      ELSE 'city' END;

ALTER TABLE decisions DROP CONSTRAINT decisions_source_check;
ALTER TABLE decisions ADD CONSTRAINT decisions_source_check
    CHECK (source IN ('import', 'decision', 'lineage'));

-- One row per change a decision makes to agencies' identity (a decision may make several).
CREATE TABLE agency_lineage (
    decision_no    text    NOT NULL REFERENCES decisions (decision_no),
    seq            integer NOT NULL,
    kind           text    NOT NULL CHECK (kind IN ('rename', 'merge', 'split', 'close')),
    predecessors   text[]  NOT NULL CHECK (cardinality(predecessors) >= 1),
    successors     text[]  NOT NULL,
    effective_from date    NOT NULL,
    PRIMARY KEY (decision_no, seq)
);
CREATE INDEX agency_lineage_predecessors ON agency_lineage USING gin (predecessors);
CREATE INDEX agency_lineage_successors ON agency_lineage USING gin (successors);

-- Which procedure moved from which agency to which, by which change (the audit of the moves;
-- the versions themselves are in procedure_versions).
CREATE TABLE procedure_moves (
    decision_no text NOT NULL,
    seq         integer NOT NULL,
    ma_tthc     text NOT NULL,
    from_agency text NOT NULL REFERENCES agencies (code),
    to_agency   text NOT NULL REFERENCES agencies (code),
    level       text CHECK (level IN ('city', 'district', 'commune')),
    PRIMARY KEY (decision_no, ma_tthc),
    FOREIGN KEY (decision_no, seq) REFERENCES agency_lineage (decision_no, seq)
);
