-- depends: reporting_0007_lineage_views_reused
-- The dossiers table keeps the dossier's snapshot field for field (DossierFacts = the contract's
-- DossierSnapshot less the applicant's pseudonym), and beside it what the figures derive from it.
-- `digitized` and `reused` held the derived values: they become counted_digitized and
-- counted_reused; `digitized` is the sender's flag again and `reused_data` joins it.
-- Rows written before this keep their figures: their document counts are unknown (NULL), and
-- with them unknown the portal's rule reads the sender's flag, set here to the derived value
-- (likewise reused_data), so a later revision of an old dossier moves its figures correctly.

ALTER TABLE dossiers RENAME COLUMN digitized TO counted_digitized;
ALTER TABLE dossiers RENAME COLUMN reused TO counted_reused;

ALTER TABLE dossiers
    ADD COLUMN loai_doi_tuong      smallint,
    ADD COLUMN digitized           boolean NOT NULL DEFAULT false,
    ADD COLUMN reused_data         boolean NOT NULL DEFAULT false,
    ADD COLUMN documents_submitted integer,
    ADD COLUMN documents_digitized integer,
    ADD COLUMN due_derived         boolean NOT NULL DEFAULT false;

UPDATE dossiers SET digitized = counted_digitized, reused_data = counted_reused
WHERE counted_digitized OR counted_reused;
