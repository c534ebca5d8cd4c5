-- depends: gateway_0008_agency_lineage
-- Who owned each procedure from which day (every version's agency and effective date, from
-- catalog.procedures.v1): a dossier received before a procedure moved to another agency (a
-- merge, a split, the district level's end) is its owner's of that day, so a record sent
-- today about it is not refused as "another agency's procedure".

CREATE TABLE procedure_owners (
    ma_tthc        text NOT NULL,
    agency_code    text NOT NULL,
    effective_from date NOT NULL,
    PRIMARY KEY (ma_tthc, effective_from, agency_code)
);
