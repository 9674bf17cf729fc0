-- Schemas of the warehouse and the grants matrix of monev's roles.
--   monev_loader      writes raw.* and its load records in audit.* (insert only: raw is append-only)
--   monev_transformer reads raw, builds staging .. evaluation, writes its own results to audit.*
--   monev_bi          reads marts and evaluation only
--   monev_auditor     reads everything, writes nothing
-- Default privileges make tables created later follow the same rules.

GRANT CONNECT ON DATABASE warehouse TO monev_loader, monev_transformer, monev_bi, monev_auditor;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS audit;
CREATE SCHEMA IF NOT EXISTS reference AUTHORIZATION monev_transformer;
CREATE SCHEMA IF NOT EXISTS staging AUTHORIZATION monev_transformer;
CREATE SCHEMA IF NOT EXISTS intermediate AUTHORIZATION monev_transformer;
CREATE SCHEMA IF NOT EXISTS marts AUTHORIZATION monev_transformer;
CREATE SCHEMA IF NOT EXISTS evaluation_staging AUTHORIZATION monev_transformer;
CREATE SCHEMA IF NOT EXISTS evaluation AUTHORIZATION monev_transformer;

-- loader: raw and audit, insert + read, never update or delete
GRANT USAGE ON SCHEMA raw, audit TO monev_loader;
ALTER DEFAULT PRIVILEGES FOR ROLE monev IN SCHEMA raw GRANT SELECT, INSERT ON TABLES TO monev_loader;
ALTER DEFAULT PRIVILEGES FOR ROLE monev IN SCHEMA raw GRANT USAGE ON SEQUENCES TO monev_loader;

-- transformer: reads raw, owns the modelled schemas, appends its results to audit
GRANT USAGE ON SCHEMA raw, audit TO monev_transformer;
ALTER DEFAULT PRIVILEGES FOR ROLE monev IN SCHEMA raw GRANT SELECT ON TABLES TO monev_transformer;
ALTER DEFAULT PRIVILEGES FOR ROLE monev IN SCHEMA audit GRANT SELECT ON TABLES TO monev_transformer;

-- bi: marts and evaluation only
GRANT USAGE ON SCHEMA marts, evaluation TO monev_bi;
ALTER DEFAULT PRIVILEGES FOR ROLE monev_transformer IN SCHEMA marts GRANT SELECT ON TABLES TO monev_bi;
ALTER DEFAULT PRIVILEGES FOR ROLE monev_transformer IN SCHEMA evaluation GRANT SELECT ON TABLES TO monev_bi;

-- auditor: read everything
GRANT USAGE ON SCHEMA raw, audit, reference, staging, intermediate, marts, evaluation_staging, evaluation
    TO monev_auditor;
GRANT SELECT ON ALL TABLES IN SCHEMA audit TO monev_auditor;
ALTER DEFAULT PRIVILEGES FOR ROLE monev GRANT SELECT ON TABLES TO monev_auditor;
ALTER DEFAULT PRIVILEGES FOR ROLE monev_transformer GRANT SELECT ON TABLES TO monev_auditor;
ALTER DEFAULT PRIVILEGES FOR ROLE monev_loader GRANT SELECT ON TABLES TO monev_auditor;
