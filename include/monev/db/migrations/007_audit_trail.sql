-- The audit trail: what dbt ran (its run_results per invocation, and the project's
-- manifest it ran from, stored once per version), the Great Expectations results of each
-- gate, beside the gate verdicts, publications and load reconciliations already here.
-- Every table of schema audit is append-only for every role: a trigger refuses UPDATE,
-- DELETE and TRUNCATE (later migrations call audit.make_append_only on their tables).

CREATE TABLE audit.dbt_manifest (
    manifest_sha256 text PRIMARY KEY,
    manifest        jsonb NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit.dbt_invocation (
    invocation_id   uuid PRIMARY KEY,       -- dbt's invocation id (run_results metadata)
    airflow_dag_id  text,
    airflow_run_id  text,
    airflow_task_id text,
    try_number      integer,
    command         text NOT NULL,          -- run, test, build, seed ...
    manifest_sha256 text NOT NULL REFERENCES audit.dbt_manifest (manifest_sha256),
    run_results     jsonb NOT NULL,         -- dbt's run_results.json, whole
    recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON audit.dbt_invocation (airflow_run_id);

ALTER TABLE audit.gate_result ADD COLUMN gx_results jsonb;  -- the GX checkpoint result

GRANT SELECT, INSERT ON audit.dbt_manifest, audit.dbt_invocation TO monev_transformer;
GRANT SELECT ON audit.dbt_manifest, audit.dbt_invocation TO monev_auditor;

CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit.% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE FUNCTION audit.make_append_only(tbl regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON %s '
                   'FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()', tbl);
    EXECUTE format('CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON %s '
                   'FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()', tbl);
END $$;

SELECT audit.make_append_only(format('audit.%I', tablename)::regclass)
FROM pg_tables WHERE schemaname = 'audit';
