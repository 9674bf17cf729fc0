-- What BI tools read without knowing the publication rules (issue 20):
--   evaluation.<mart>_latest     each published mart for the latest as_of of each tahun
--   evaluation.outcome_status_latest   per outcome (fct_outcome.outcome_key), whether the
--                                latest evaluation of its year counted it, and why not
-- and audit.describe_published(), which sets the comments of these relations from the dbt
-- sources' descriptions (models/published/_published__sources.yml) at each publication.
-- All are the publisher's: nobody else writes schema evaluation.

-- the trace keeps each row's key in its fact (commitment_key or outcome_key)
ALTER TABLE audit.published_trace ADD COLUMN source_key text;
CREATE INDEX ON audit.published_trace (source_key) WHERE kind = 'outcome';
GRANT SELECT ON audit.published_trace TO monev_publisher;

-- the latest publication of each tahun: its latest as_of, last published
CREATE VIEW evaluation.latest_publication AS
SELECT DISTINCT ON (tahun) publication_id, tahun, as_of, published_at
FROM audit.publication
ORDER BY tahun, as_of DESC, published_at DESC;

-- each published mart, for the latest as_of of each tahun
DO $$
DECLARE
    mart text;
BEGIN
    FOREACH mart IN ARRAY ARRAY['agreement_scorecard', 'partner_scorecard', 'bidang_progress',
                                'sleeping_agreements'] LOOP
        EXECUTE format('CREATE VIEW evaluation.%I AS SELECT m.* FROM evaluation.%I AS m '
                       'JOIN evaluation.latest_publication AS p USING (tahun, as_of)',
                       mart || '_latest', mart);
        EXECUTE format('ALTER VIEW evaluation.%I OWNER TO monev_publisher', mart || '_latest');
    END LOOP;
END $$;

-- An outcome appears once per scorecard row it rolls up into, with the same verdict: one row.
CREATE VIEW evaluation.outcome_status_latest AS
SELECT DISTINCT ON (t.source_key)
    t.tahun, t.as_of, t.source_key AS outcome_key,
    t.counts AS counted_in_latest_evaluation, t.reason
FROM audit.published_trace AS t
JOIN evaluation.latest_publication AS p USING (publication_id)
WHERE t.kind = 'outcome' AND t.source_key IS NOT NULL
ORDER BY t.source_key, (t.nomor_perjanjian = t.member_nomor) DESC;

ALTER VIEW evaluation.latest_publication OWNER TO monev_publisher;
ALTER VIEW evaluation.outcome_status_latest OWNER TO monev_publisher;
GRANT SELECT ON ALL TABLES IN SCHEMA evaluation
    TO monev_transformer, monev_bi, monev_auditor, monev_gate;

-- Comments from the descriptions the caller passes: {"relation": {"description": "...",
-- "columns": {"column": "..."}}}. Only relations of schema evaluation, only comments.
SET LOCAL check_function_bodies = off;
CREATE FUNCTION audit.describe_published(p_descriptions jsonb)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    rel text;
    body jsonb;
    col text;
    text_ text;
    kind "char";
    n integer := 0;
BEGIN
    FOR rel, body IN SELECT key, value FROM jsonb_each(p_descriptions) LOOP
        SELECT c.relkind INTO kind FROM pg_class AS c
        WHERE c.relnamespace = 'evaluation'::regnamespace AND c.relname = rel;
        CONTINUE WHEN kind IS NULL;
        EXECUTE format('COMMENT ON %s evaluation.%I IS %L',
                       CASE kind WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END, rel,
                       body ->> 'description');
        n := n + 1;
        FOR col, text_ IN SELECT key, value FROM jsonb_each_text(body -> 'columns') LOOP
            CONTINUE WHEN NOT EXISTS (
                SELECT 1 FROM pg_attribute
                WHERE attrelid = format('evaluation.%I', rel)::regclass AND attname = col
                  AND attnum > 0 AND NOT attisdropped);
            EXECUTE format('COMMENT ON COLUMN evaluation.%I.%I IS %L', rel, col, text_);
            n := n + 1;
        END LOOP;
    END LOOP;
    RETURN n;
END $$;
ALTER FUNCTION audit.describe_published(jsonb) OWNER TO monev_publisher;
REVOKE ALL ON FUNCTION audit.describe_published(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit.describe_published(jsonb) TO monev_transformer;
