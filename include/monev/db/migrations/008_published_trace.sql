-- The trace of every published figure, kept with its publication: whatever is rebuilt
-- later, an auditor can list the rows and form records behind a published scorecard row.
-- Columns as evaluation_staging.eval_trace (the dbt model documents each).
CREATE TABLE audit.published_trace (
    publication_id   uuid NOT NULL REFERENCES audit.publication (publication_id),
    tahun            integer NOT NULL,
    as_of            date NOT NULL,
    nomor_perjanjian text NOT NULL,
    member_nomor     text,
    kind             text NOT NULL,
    channel          text,
    file_name        text,
    sha256           text,
    sheet            text,
    row_number       integer,
    kobo_id          bigint,
    kobo_uuid        text,
    received_at      timestamptz,
    load_id          text,
    airflow_run_id   text,
    item_no          integer,
    amount           numeric,
    counts           boolean,
    reason           text
);
CREATE INDEX ON audit.published_trace (publication_id, nomor_perjanjian);
SELECT audit.make_append_only('audit.published_trace');

CREATE VIEW audit.evaluation_trace AS
SELECT t.*
FROM audit.published_trace AS t
WHERE t.publication_id IN (
    SELECT DISTINCT ON (tahun, as_of) publication_id
    FROM audit.publication
    ORDER BY tahun, as_of, published_at DESC
);
COMMENT ON VIEW audit.evaluation_trace IS
    'For each published (tahun, as_of), as last published: every register row, rencana aksi '
    'and realisasi row, report and form record submitted for an agreement (and its PKS), '
    'with file name and sha256 or form _id/_uuid, sheet and row number, received time, load '
    'id and Airflow run id, whether it counts and why (reason). Filter on tahun, as_of, '
    'nomor_perjanjian. `monev trace` prints it.';

GRANT SELECT, INSERT ON audit.published_trace TO monev_transformer;
GRANT SELECT ON audit.published_trace, audit.evaluation_trace TO monev_transformer, monev_auditor;
