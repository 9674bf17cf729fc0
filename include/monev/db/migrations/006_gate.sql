-- The quality gate's verdicts: one row per gate run for a (tahun, as_of), naming every
-- check with its row count and examples. Append-only for the transformer.
CREATE TABLE audit.gate_result (
    gate_id         uuid PRIMARY KEY,
    tahun           integer NOT NULL,
    as_of           date NOT NULL,
    airflow_run_id  text,
    passed          boolean NOT NULL,
    checks          jsonb NOT NULL,      -- [{name, rule, source, passed, count, examples}]
    data_docs       text,                -- GX Data Docs index for this run
    checked_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON audit.gate_result (tahun, as_of, checked_at);

ALTER TABLE audit.publication ADD COLUMN gate_id uuid REFERENCES audit.gate_result (gate_id);

GRANT SELECT, INSERT ON audit.gate_result TO monev_transformer;
GRANT SELECT ON audit.gate_result TO monev_auditor;
