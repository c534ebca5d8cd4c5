-- depends: gateway_0003_real_senders
-- The ids of the documents a dossier was submitted with (TaiLieuNop), as digitized_docs keeps
-- those digitized: reporting counts a dossier as digitized only when all of them are.
-- Dossiers stored before know only their digitized documents until their next sync.
ALTER TABLE dossiers ADD COLUMN submitted_docs jsonb NOT NULL DEFAULT '[]'::jsonb;
