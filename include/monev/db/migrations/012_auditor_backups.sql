-- Backups are taken as monev_auditor (reads everything, writes nothing): pg_dump also
-- reads every sequence's position.
GRANT SELECT ON ALL SEQUENCES IN SCHEMA raw, audit TO monev_auditor;
ALTER DEFAULT PRIVILEGES FOR ROLE monev IN SCHEMA raw, audit
    GRANT SELECT ON SEQUENCES TO monev_auditor;
