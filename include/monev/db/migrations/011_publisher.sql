-- The database enforces the gate. Until now the gate was enforced in application code:
-- the transformer could write a passing verdict and publish what it liked.
--   monev_gate       (login) reads what the evaluation is built from and writes verdicts:
--                    only it may insert into audit.gate_result
--   monev_publisher  (no login) owns schema evaluation and its tables; it writes them only
--                    through audit.publish_evaluation(), which checks that a passing verdict
--                    exists for exactly the build being published
--   monev_transformer builds evaluation_staging and may call the function, nothing more

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'monev_publisher') THEN
        CREATE ROLE monev_publisher NOLOGIN;
    END IF;
END $$;

-- the owner (who runs migrations) hands evaluation over; it stays able to migrate it
GRANT monev_publisher TO CURRENT_USER;

-- evaluation: owned by the publisher; the transformer reads it (trace), never writes it
ALTER SCHEMA evaluation OWNER TO monev_publisher;
ALTER TABLE evaluation.agreement_scorecard OWNER TO monev_publisher;
ALTER TABLE evaluation.partner_scorecard OWNER TO monev_publisher;
ALTER TABLE evaluation.bidang_progress OWNER TO monev_publisher;
ALTER TABLE evaluation.sleeping_agreements OWNER TO monev_publisher;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA evaluation FROM monev_transformer;
GRANT USAGE ON SCHEMA evaluation TO monev_transformer, monev_bi, monev_auditor;
GRANT SELECT ON ALL TABLES IN SCHEMA evaluation TO monev_transformer, monev_bi, monev_auditor;

-- verdicts and publications: not the transformer's to write
REVOKE INSERT ON audit.gate_result, audit.publication, audit.published_trace
    FROM monev_transformer;
GRANT USAGE ON SCHEMA audit, evaluation_staging TO monev_publisher;
GRANT SELECT ON audit.gate_result, audit.publication TO monev_publisher;
GRANT INSERT ON audit.publication, audit.published_trace TO monev_publisher;
GRANT SELECT ON ALL TABLES IN SCHEMA evaluation_staging TO monev_publisher;
ALTER DEFAULT PRIVILEGES FOR ROLE monev_transformer IN SCHEMA evaluation_staging
    GRANT SELECT ON TABLES TO monev_publisher;

-- the gate: reads everything the evaluation is built from, writes verdicts and its dbt runs
GRANT CONNECT, TEMPORARY ON DATABASE warehouse TO monev_gate;
GRANT USAGE ON SCHEMA raw, audit, reference, staging, intermediate, marts, evaluation_staging,
    evaluation TO monev_gate;
GRANT SELECT ON ALL TABLES IN SCHEMA raw, audit, reference, staging, intermediate, marts,
    evaluation_staging, evaluation TO monev_gate;
ALTER DEFAULT PRIVILEGES FOR ROLE monev_transformer GRANT SELECT ON TABLES TO monev_gate;
ALTER DEFAULT PRIVILEGES FOR ROLE monev GRANT SELECT ON TABLES TO monev_gate;
GRANT INSERT ON audit.gate_result, audit.dbt_invocation, audit.dbt_manifest TO monev_gate;

-- What "this build" means: a digest of every row the publication would copy.
ALTER TABLE audit.gate_result ADD COLUMN build_hash text;

-- its tables are dbt's, built later: the body is checked when it runs
SET LOCAL check_function_bodies = off;
CREATE FUNCTION audit.evaluation_build_hash() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT md5(concat_ws('|',
        (SELECT string_agg(t::text, E'\n' ORDER BY t::text) FROM evaluation_staging.eval_period t),
        (SELECT md5(coalesce(string_agg(t::text, E'\n' ORDER BY t::text), ''))
         FROM evaluation_staging.agreement_scorecard t),
        (SELECT md5(coalesce(string_agg(t::text, E'\n' ORDER BY t::text), ''))
         FROM evaluation_staging.partner_scorecard t),
        (SELECT md5(coalesce(string_agg(t::text, E'\n' ORDER BY t::text), ''))
         FROM evaluation_staging.bidang_progress t),
        (SELECT md5(coalesce(string_agg(t::text, E'\n' ORDER BY t::text), ''))
         FROM evaluation_staging.sleeping_agreements t),
        (SELECT md5(coalesce(string_agg(t::text, E'\n' ORDER BY t::text), ''))
         FROM evaluation_staging.eval_trace t)))
$$;
GRANT EXECUTE ON FUNCTION audit.evaluation_build_hash() TO monev_gate, monev_publisher,
    monev_transformer, monev_auditor;

-- Publishing: the only way into schema evaluation. Errors: MN001 no passing verdict for
-- this gate; MN002 the build is not the one the gate checked.
CREATE FUNCTION audit.publish_evaluation(p_gate_id uuid, p_airflow_run_id text)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    verdict audit.gate_result%ROWTYPE;
    built record;
    mart text;
    columns text;
    n bigint;
    counts jsonb := '{}';
    publication uuid := gen_random_uuid();
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('monev.publish', 0));
    SELECT * INTO verdict FROM audit.gate_result WHERE gate_id = p_gate_id;
    IF NOT FOUND OR NOT verdict.passed THEN
        RAISE EXCEPTION 'gate % did not pass: nothing published', p_gate_id
            USING ERRCODE = 'MN001';
    END IF;
    SELECT tahun, as_of INTO built FROM evaluation_staging.eval_period;
    IF built.tahun IS DISTINCT FROM verdict.tahun OR built.as_of IS DISTINCT FROM verdict.as_of
    THEN
        RAISE EXCEPTION 'evaluation_staging holds % as of %, gate % checked % as of %',
            built.tahun, built.as_of, p_gate_id, verdict.tahun, verdict.as_of
            USING ERRCODE = 'MN002';
    END IF;
    IF verdict.build_hash IS DISTINCT FROM audit.evaluation_build_hash() THEN
        RAISE EXCEPTION 'the build changed since gate % checked it: nothing published', p_gate_id
            USING ERRCODE = 'MN002';
    END IF;
    FOREACH mart IN ARRAY ARRAY['agreement_scorecard', 'partner_scorecard', 'bidang_progress',
                                'sleeping_agreements'] LOOP
        SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO columns
        FROM pg_attribute
        WHERE attrelid = format('evaluation.%I', mart)::regclass AND attnum > 0
          AND NOT attisdropped;
        EXECUTE format('DELETE FROM evaluation.%I WHERE tahun = $1 AND as_of = $2', mart)
            USING verdict.tahun, verdict.as_of;
        EXECUTE format('INSERT INTO evaluation.%1$I (%2$s) SELECT %2$s FROM '
                       'evaluation_staging.%1$I WHERE tahun = $1 AND as_of = $2', mart, columns)
            USING verdict.tahun, verdict.as_of;
        GET DIAGNOSTICS n = ROW_COUNT;
        counts := counts || jsonb_build_object(mart, n);
    END LOOP;
    INSERT INTO audit.publication (publication_id, tahun, as_of, airflow_run_id, row_counts,
                                   gate_id)
    VALUES (publication, verdict.tahun, verdict.as_of, p_airflow_run_id, counts, p_gate_id);
    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO columns
    FROM pg_attribute
    WHERE attrelid = 'audit.published_trace'::regclass AND attnum > 0 AND NOT attisdropped
      AND attname <> 'publication_id';
    EXECUTE format('INSERT INTO audit.published_trace (publication_id, %1$s) SELECT $1, %1$s '
                   'FROM evaluation_staging.eval_trace', columns) USING publication;
    RETURN counts;
END $$;
ALTER FUNCTION audit.publish_evaluation(uuid, text) OWNER TO monev_publisher;
REVOKE ALL ON FUNCTION audit.publish_evaluation(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit.publish_evaluation(uuid, text) TO monev_transformer;

-- Large objects are no way to store or move data here: nobody creates them.
REVOKE EXECUTE ON FUNCTION lo_creat(integer), lo_create(oid), lo_from_bytea(oid, bytea),
    lo_import(text), lo_import(text, oid), lo_put(oid, bigint, bytea) FROM PUBLIC;
