-- depends: reporting_0003_index766_as_of
-- Documents taken from the national databases (DuocLayTuKhoDMQG), which the gateway now
-- publishes on its own beside "any reuse": a fact of each dossier and a count of the rollup.
-- The dossiers table keeps exactly DossierFacts' fields plus received_day, processed_day,
-- events_applied and updated_at (adapters/read_model_store derives its SQL from the model;
-- tests/integration/test_record_tables.py checks this DDL against it). Dossiers stored before
-- say false until their next event; `pasc reporting rebuild` recounts them from the topic.
ALTER TABLE dossiers ADD COLUMN reused_from_national_db boolean NOT NULL DEFAULT false;
ALTER TABLE kpi_daily ADD COLUMN reused_from_national_db integer NOT NULL DEFAULT 0;
