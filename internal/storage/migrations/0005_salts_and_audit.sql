-- Random salts for IP hashes, one per salt period, shared by every
-- instance and deleted once no check can look back that far: after that,
-- the hashes made with them can no longer be linked to an address.
CREATE TABLE ip_salts (
    epoch       BIGINT PRIMARY KEY,
    salt        TEXT NOT NULL,
    created_at  {{TIMESTAMP}} NOT NULL
);

-- The audit log is append-only in the database itself, not only by
-- convention: rows cannot be deleted, and only actor_id may change (set to
-- NULL when the account is deleted; actor keeps the name).
{{AUDIT_APPEND_ONLY}}
