-- depends: gateway_0006_connector_secrets_sealed
-- The dossiers table keeps every field of DossierState (the contract's DossierSnapshot plus the
-- document references): adapters/dossier_store derives its columns and SQL from that model,
-- and tests/integration/test_record_tables.py checks this DDL declares exactly those columns.
-- (The DDL is still spelled here: migrations are SQL files, and they say what PostgreSQL keeps.)
ALTER TABLE dossiers
    ADD COLUMN reused_from_national_db boolean NOT NULL DEFAULT false,
    ADD COLUMN documents_submitted     integer,
    ADD COLUMN documents_digitized     integer;

-- The counts the gateway published for the stored dossiers: distinct documents submitted or
-- digitized, and those digitized. Which documents came from the national databases was not
-- kept: those dossiers say so at their next sync.
UPDATE dossiers SET
    documents_digitized = jsonb_array_length(digitized_docs),
    documents_submitted = (SELECT count(DISTINCT doc)
                           FROM jsonb_array_elements_text(submitted_docs || digitized_docs) AS doc);
