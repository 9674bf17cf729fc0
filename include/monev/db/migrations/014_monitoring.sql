-- Monitoring during the year (docs/monitoring.md): built for a date D in
-- monitoring_staging (the evaluation's models and the monitoring's own, as the
-- transformer), checked by the gate (verdicts with scope 'monitoring'), published into
-- monitoring.early_warning by audit.publish_monitoring(), the only way in.

CREATE SCHEMA monitoring_staging AUTHORIZATION monev_transformer;
CREATE SCHEMA monitoring AUTHORIZATION monev_publisher;

CREATE TABLE monitoring.early_warning (
    as_of date NOT NULL, nomor_perjanjian text NOT NULL, jenis text NOT NULL,
    kode_mitra text, nama_mitra text, kode text NOT NULL, detail text NOT NULL,
    tanggal_berakhir date NOT NULL, nama_pelapor text, email text,
    PRIMARY KEY (as_of, nomor_perjanjian, kode)
);
ALTER TABLE monitoring.early_warning OWNER TO monev_publisher;

-- One row per publication of a monitoring date: by which run and gate, how many rows.
CREATE TABLE audit.monitoring_publication (
    publication_id  uuid PRIMARY KEY,
    as_of           date NOT NULL,
    airflow_run_id  text,
    row_count       integer NOT NULL,
    gate_id         uuid NOT NULL,
    published_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON audit.monitoring_publication (as_of, published_at);
SELECT audit.make_append_only('audit.monitoring_publication');

-- a verdict is for an evaluation build or a monitoring build
ALTER TABLE audit.gate_result ADD COLUMN scope text NOT NULL DEFAULT 'evaluation'
    CHECK (scope IN ('evaluation', 'monitoring'));

-- who reads what: reporters' contacts are in the mart, so not BI's (monev_bi sees them in
-- sleeping_agreements only); auditors and the gate read everything
GRANT USAGE ON SCHEMA monitoring_staging TO monev_gate, monev_publisher, monev_auditor;
ALTER DEFAULT PRIVILEGES FOR ROLE monev_transformer IN SCHEMA monitoring_staging
    GRANT SELECT ON TABLES TO monev_gate, monev_publisher, monev_auditor;
GRANT USAGE ON SCHEMA monitoring TO monev_transformer, monev_gate, monev_auditor;
GRANT SELECT ON monitoring.early_warning TO monev_transformer, monev_gate, monev_auditor;
GRANT SELECT ON audit.monitoring_publication TO monev_transformer, monev_auditor, monev_gate;
GRANT INSERT ON audit.monitoring_publication TO monev_publisher;

-- its tables are dbt's, built later: the bodies are checked when they run
SET LOCAL check_function_bodies = off;
CREATE FUNCTION audit.monitoring_build_hash() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT md5(concat_ws('|',
        (SELECT string_agg(t::text, E'\n' ORDER BY t::text) FROM monitoring_staging.mon_period t),
        (SELECT md5(coalesce(string_agg(t::text, E'\n' ORDER BY t::text), ''))
         FROM monitoring_staging.early_warning t)))
$$;
GRANT EXECUTE ON FUNCTION audit.monitoring_build_hash() TO monev_gate, monev_publisher,
    monev_transformer, monev_auditor;

-- Errors: MN001 no passing monitoring verdict for this gate; MN002 the build is not the
-- one the gate checked.
CREATE FUNCTION audit.publish_monitoring(p_gate_id uuid, p_airflow_run_id text)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    verdict audit.gate_result%ROWTYPE;
    built date;
    n integer;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('monev.publish_monitoring', 0));
    SELECT * INTO verdict FROM audit.gate_result WHERE gate_id = p_gate_id;
    IF NOT FOUND OR NOT verdict.passed OR verdict.scope <> 'monitoring' THEN
        RAISE EXCEPTION 'gate % did not pass a monitoring build: nothing published',
            p_gate_id USING ERRCODE = 'MN001';
    END IF;
    SELECT as_of INTO built FROM monitoring_staging.mon_period;
    IF built IS DISTINCT FROM verdict.as_of THEN
        RAISE EXCEPTION 'monitoring_staging holds %, gate % checked %', built, p_gate_id,
            verdict.as_of USING ERRCODE = 'MN002';
    END IF;
    IF verdict.build_hash IS DISTINCT FROM audit.monitoring_build_hash() THEN
        RAISE EXCEPTION 'the build changed since gate % checked it: nothing published',
            p_gate_id USING ERRCODE = 'MN002';
    END IF;
    DELETE FROM monitoring.early_warning WHERE as_of = built;
    INSERT INTO monitoring.early_warning (as_of, nomor_perjanjian, jenis, kode_mitra,
        nama_mitra, kode, detail, tanggal_berakhir, nama_pelapor, email)
    SELECT as_of, nomor_perjanjian, jenis, kode_mitra, nama_mitra, kode, detail,
           tanggal_berakhir, nama_pelapor, email
    FROM monitoring_staging.early_warning;
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO audit.monitoring_publication (publication_id, as_of, airflow_run_id,
        row_count, gate_id)
    VALUES (gen_random_uuid(), built, p_airflow_run_id, n, p_gate_id);
    RETURN n;
END $$;
ALTER FUNCTION audit.publish_monitoring(uuid, text) OWNER TO monev_publisher;
REVOKE ALL ON FUNCTION audit.publish_monitoring(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit.publish_monitoring(uuid, text) TO monev_transformer;

-- Letters sent by e-mail: to whom, which bytes (a letter is never sent twice)
CREATE TABLE audit.letter_sent (
    as_of       date NOT NULL,
    kode_mitra  text NOT NULL,
    recipients  text[] NOT NULL,
    sha256      text NOT NULL,
    sent_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sha256, recipients)
);
SELECT audit.make_append_only('audit.letter_sent');
GRANT SELECT, INSERT ON audit.letter_sent TO monev_transformer;
GRANT SELECT ON audit.letter_sent TO monev_auditor;
