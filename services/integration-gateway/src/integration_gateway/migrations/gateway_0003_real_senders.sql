-- Real department systems: the DVCQG adapter's credentials and sessions, due dates derived
-- from the catalog, and dossier ownership by first sight (row locks, not one advisory lock
-- per record).

ALTER TABLE dossiers ADD COLUMN due_derived boolean NOT NULL DEFAULT false;

-- Processing time in working days (catalog's thoi_han_giai_quyet), to derive a missing NgayHenTra.
ALTER TABLE procedures ADD COLUMN working_days integer;

-- A key may also be used as the adapter's username/password pair, bound to the agency's
-- unit code (mã định danh điện tử, the adapter's `madonvi`).
ALTER TABLE api_keys ADD COLUMN username text UNIQUE;
ALTER TABLE api_keys ADD COLUMN unit_code text;
CREATE UNIQUE INDEX api_keys_unit_code ON api_keys (unit_code, agency_code) WHERE unit_code IS NOT NULL;

-- Sessions handed out by the auth exchange; only the token's SHA-256 is kept.
CREATE TABLE adapter_sessions (
    token_hash  text        PRIMARY KEY,
    key_id      text        NOT NULL REFERENCES api_keys (key_id),
    expires_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX adapter_sessions_expiry ON adapter_sessions (expires_at);

-- Who first sent each MaHoSo: only that agency may send it again.
CREATE TABLE dossier_owners (
    ma_ho_so    text        PRIMARY KEY,
    agency_code text        NOT NULL,
    first_seen  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO dossier_owners (ma_ho_so, agency_code) SELECT ma_ho_so, agency_code FROM dossiers;
