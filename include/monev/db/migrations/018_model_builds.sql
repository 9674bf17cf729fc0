-- The last successful builds of the warehouse's models, seeds and tests by monev_warehouse,
-- each with the fingerprint of what it was built from (the project's code and how far each
-- raw table it reads had grown: monev.transform.unchanged). The DAG skips a node whose
-- fingerprint has not moved since. Append-only, like the rest of schema audit.

CREATE TABLE audit.model_build (
    build_id        bigserial PRIMARY KEY,
    unique_id       text NOT NULL,          -- dbt's node id, e.g. model.monev.dim_partner
    fingerprint     text NOT NULL,
    airflow_dag_id  text,
    airflow_run_id  text,
    airflow_task_id text,
    built_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON audit.model_build (unique_id, built_at DESC, build_id DESC);
SELECT audit.make_append_only('audit.model_build');

GRANT SELECT, INSERT ON audit.model_build TO monev_transformer;
GRANT USAGE ON SEQUENCE audit.model_build_build_id_seq TO monev_transformer;
GRANT SELECT ON audit.model_build TO monev_auditor;
