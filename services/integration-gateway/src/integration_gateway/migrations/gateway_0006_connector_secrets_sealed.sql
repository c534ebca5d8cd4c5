-- Connector (webhook) secrets are sealed like API keys (adapters/key_vault.py). `secret` keeps
-- only a secret stored in clear before this migration, until the dispatcher seals it at start.
ALTER TABLE connectors ADD COLUMN secret_sealed bytea;
