-- The audit log's row trigger refuses UPDATE and DELETE; TRUNCATE skips row triggers, so it
-- gets a statement trigger of its own. (A production database also grants the gateway's role
-- only INSERT and SELECT on audit_log: see services/integration-gateway/README.md.)
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
