-- The audit log as a hash chain. Each entry carries its place in the chain (seq), the hash of the
-- entry before it (prev_hash) and its own: row_hash = sha256(prev_hash || canonical text of the
-- entry). An entry edited, removed or slipped in afterwards breaks the chain, which
-- `pasc gateway audit verify` recomputes. The service's role can only INSERT here (db.py grants);
-- the chain is what catches a change made by someone who can do more (the owner, a superuser).

ALTER TABLE audit_log
    ADD COLUMN seq       bigint UNIQUE,
    ADD COLUMN prev_hash bytea,
    ADD COLUMN row_hash  bytea;

-- What the hash covers: every column an entry is read for, the time in UTC. `pasc gateway audit
-- verify` computes the same text with its own copy of this expression (adapters/audit.py), so
-- redefining this function does not make it accept an edited row.
CREATE FUNCTION audit_log_canonical(e audit_log) RETURNS text
    LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
    SELECT jsonb_build_array(
        e.seq, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.actor,
        e.agency_code, e.action, e.outcome, e.accepted, e.rejected, e.details)::text
$$;

-- Extends the chain. The advisory lock (held to the end of the inserting transaction) makes one
-- writer at a time take the next seq; in READ COMMITTED the SELECT after it sees the previous
-- writer's committed entry.
CREATE FUNCTION audit_log_chain() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    last_seq  bigint;
    last_hash bytea;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('audit_log_chain'), hashtext(TG_TABLE_SCHEMA));
    SELECT seq, row_hash INTO last_seq, last_hash FROM audit_log
        WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
    NEW.seq := coalesce(last_seq, 0) + 1;
    NEW.prev_hash := coalesce(last_hash, '\x'::bytea);
    NEW.row_hash := sha256(NEW.prev_hash || convert_to(audit_log_canonical(NEW), 'UTF8'));
    RETURN NEW;
END $$;

-- The entries written before the chain existed join it in id order (the owner runs this).
ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
DO $$
DECLARE
    e    audit_log;
    prev bytea := '\x'::bytea;
    n    bigint := 0;
BEGIN
    FOR e IN SELECT * FROM audit_log ORDER BY id LOOP
        n := n + 1;
        e.seq := n;
        e.prev_hash := prev;
        e.row_hash := sha256(prev || convert_to(audit_log_canonical(e), 'UTF8'));
        UPDATE audit_log SET seq = e.seq, prev_hash = e.prev_hash, row_hash = e.row_hash
            WHERE id = e.id;
        prev := e.row_hash;
    END LOOP;
END $$;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;

ALTER TABLE audit_log
    ALTER COLUMN seq SET NOT NULL,
    ALTER COLUMN prev_hash SET NOT NULL,
    ALTER COLUMN row_hash SET NOT NULL;

CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_chain();
