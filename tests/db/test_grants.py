"""The grants matrix: each role does what it should and is refused what it should not."""

import psycopg
import pytest

ALLOWED = [
    ("monev_loader", "INSERT INTO raw.quarantine (load_id, source, reason_code, reason, scope)"
                     " VALUES (gen_random_uuid(), 'drop', 'test', 'grants test', 'file')"),
    ("monev_loader", "SELECT count(*) FROM raw.file_receipt"),
    ("monev_transformer", "SELECT count(*) FROM raw.register_row"),
    ("monev_transformer", "CREATE TABLE marts.grants_probe (x int)"),
    ("monev_auditor", "SELECT count(*) FROM raw.quarantine"),
    ("monev_auditor", "SELECT count(*) FROM audit.reconciliation"),
    ("monev_auditor", "SELECT count(*) FROM audit.gate_result"),
    ("monev_bi", "SELECT count(*) FROM evaluation.sleeping_agreements"),
    ("monev_bi", "SELECT count(*) FROM evaluation.agreement_scorecard_latest"),
    ("monev_bi", "SELECT count(*) FROM evaluation.outcome_status_latest"),
    ("monev_auditor", "SELECT count(*) FROM audit.evaluation_trace"),
    ("monev_auditor", "SELECT count(*) FROM audit.dbt_invocation"),
    ("monev_transformer", "SELECT count(*) FROM audit.evaluation_trace"),
    ("monev_transformer", "INSERT INTO audit.model_build (unique_id, fingerprint)"
                          " VALUES ('model.monev.x', 'f')"),
    ("monev_auditor", "SELECT count(*) FROM audit.model_build"),
    ("monev_transformer", "SELECT count(*) FROM evaluation.agreement_scorecard"),
    ("monev_gate", "SELECT count(*) FROM raw.file_receipt"),
    ("monev_gate", "INSERT INTO audit.gate_result (gate_id, tahun, as_of, passed, checks)"
                   " VALUES (gen_random_uuid(), 2025, '2026-01-31', false, '[]')"),
]
FORGED_VERDICT = ("INSERT INTO audit.gate_result (gate_id, tahun, as_of, passed, checks)"
                  " VALUES (gen_random_uuid(), 2025, '2026-01-31', true, '[]')")
REFUSED = [
    ("monev_loader", "UPDATE raw.quarantine SET reason = 'x'"),
    ("monev_loader", "DELETE FROM raw.file_receipt"),
    ("monev_loader", "CREATE TABLE marts.x (x int)"),
    ("monev_transformer", "INSERT INTO raw.file_receipt (load_id, file_name, file_path, sha256,"
                          " size_bytes, received_at, status) VALUES (gen_random_uuid(), 'a',"
                          " 'a', 'a', 1, now(), 'loaded')"),
    ("monev_bi", "SELECT count(*) FROM raw.register_row"),
    ("monev_bi", "SELECT count(*) FROM raw.quarantine"),
    ("monev_bi", "SELECT count(*) FROM audit.reconciliation"),
    ("monev_bi", "CREATE TABLE marts.x (x int)"),
    ("monev_bi", "SELECT count(*) FROM raw.kobo_record"),
    ("monev_bi", "SELECT count(*) FROM audit.gate_result"),
    ("monev_bi", "DELETE FROM evaluation.agreement_scorecard"),
    # the comments of schema evaluation are set at publication only, by its owner
    ("monev_bi", "SELECT audit.describe_published('{}')"),
    ("monev_transformer", "COMMENT ON TABLE evaluation.agreement_scorecard IS 'x'"),
    ("monev_transformer", "CREATE VIEW evaluation.x AS SELECT 1"),
    ("monev_transformer", "DELETE FROM monitoring.early_warning"),
    ("monev_bi", "SELECT count(*) FROM monitoring.early_warning"),
    ("monev_gate", "SELECT audit.publish_monitoring(gen_random_uuid(), 'x')"),
    ("monev_transformer", "DELETE FROM audit.publication"),
    ("monev_transformer", "UPDATE audit.gate_result SET passed = true"),
    ("monev_transformer", "DELETE FROM audit.dbt_invocation"),
    # a recorded build can only be followed by another, never rewritten
    ("monev_transformer", "UPDATE audit.model_build SET fingerprint = 'x'"),
    ("monev_transformer", "TRUNCATE audit.model_build"),
    ("monev_loader", "INSERT INTO audit.model_build (unique_id, fingerprint)"
                     " VALUES ('model.monev.x', 'f')"),
    ("monev_bi", "SELECT count(*) FROM audit.model_build"),
    ("monev_loader", "UPDATE audit.reconciliation SET rows_skipped = 0"),
    ("monev_bi", "SELECT count(*) FROM audit.evaluation_trace"),
    ("monev_bi", "SELECT count(*) FROM audit.dbt_invocation"),
    ("monev_bi", "SELECT count(*) FROM evaluation_staging.eval_trace"),
    ("monev_bi", "SELECT count(*) FROM staging.stg_spreadsheet__reports"),
    ("monev_loader", "DELETE FROM raw.kobo_record"),
    ("monev_auditor", "INSERT INTO raw.quarantine (load_id, source, reason_code, reason, scope)"
                      " VALUES (gen_random_uuid(), 'drop', 'x', 'x', 'file')"),
    ("monev_auditor", "CREATE TABLE marts.x (x int)"),
    # the gate is the database's: no forged verdict, no way into evaluation but publishing
    ("monev_transformer", FORGED_VERDICT),
    ("monev_transformer", "INSERT INTO audit.publication (publication_id, tahun, as_of,"
                          " row_counts) VALUES (gen_random_uuid(), 2025, '2026-01-31', '{}')"),
    ("monev_transformer", "INSERT INTO evaluation.agreement_scorecard (tahun) VALUES (1)"),
    ("monev_transformer", "DELETE FROM evaluation.agreement_scorecard WHERE tahun = -1"),
    ("monev_transformer", "DROP TABLE evaluation.sleeping_agreements"),
    ("monev_transformer", "ALTER SCHEMA evaluation RENAME TO evaluasi"),
    ("monev_gate", "DELETE FROM evaluation.agreement_scorecard"),
    ("monev_gate", "CREATE TABLE marts.x (x int)"),
    ("monev_loader", FORGED_VERDICT),
    # people's tools read, within bounds: no temp tables, no large objects
    ("monev_bi", "CREATE TEMP TABLE probe (x int)"),
    ("monev_bi", "SELECT lo_from_bytea(0, 'x')"),
    ("monev_auditor", "SELECT lo_creat(-1)"),
    ("monev_auditor", "CREATE TEMP TABLE probe (x int)"),
]


def _run(endpoint, role, sql):
    with psycopg.connect(endpoint.url(role)) as conn:
        conn.execute(sql)
        conn.rollback()


@pytest.mark.parametrize("role,sql", ALLOWED)
def test_allowed(scratch, role, sql):
    _run(scratch, role, sql)


@pytest.mark.parametrize("role,sql", REFUSED)
def test_refused(scratch, role, sql):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _run(scratch, role, sql)


def test_tables_created_later_follow_the_rules(scratch):
    """Default privileges: a mart table the transformer creates later is readable by BI and
    the auditor, and a later raw table by the transformer, without new grants."""
    with psycopg.connect(scratch.url("monev_transformer")) as conn:
        conn.execute("DROP TABLE IF EXISTS marts.later; CREATE TABLE marts.later (x int)")
        conn.execute("DROP TABLE IF EXISTS intermediate.later;"
                     " CREATE TABLE intermediate.later (x int)")
    with psycopg.connect(scratch.url()) as conn:
        conn.execute("DROP TABLE IF EXISTS raw.later; CREATE TABLE raw.later (x int)")
    _run(scratch, "monev_bi", "SELECT * FROM marts.later")
    _run(scratch, "monev_auditor", "SELECT * FROM marts.later")
    _run(scratch, "monev_auditor", "SELECT * FROM intermediate.later")
    _run(scratch, "monev_transformer", "SELECT * FROM raw.later")
    _run(scratch, "monev_loader", "INSERT INTO raw.later VALUES (1)")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _run(scratch, "monev_bi", "SELECT * FROM intermediate.later")


def test_bi_sees_reporters_contacts_only_in_sleeping_agreements(e2e):
    """Built marts included: every column named like a contact that monev_bi can read."""
    with psycopg.connect(e2e["endpoint"].url("monev_bi")) as conn:
        visible = conn.execute(
            """SELECT DISTINCT table_schema || '.' || table_name FROM information_schema.columns
               WHERE column_name IN ('email', 'nama_pelapor', 'jabatan')
                 AND table_schema NOT IN ('pg_catalog', 'information_schema')""").fetchall()
    assert sorted(visible) == [("evaluation.sleeping_agreements",),
                               ("evaluation.sleeping_agreements_latest",)]


def test_superset_metadata_role_cannot_enter_the_warehouse(scratch):
    """Superset's own role owns its metadata database and nothing else."""
    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        psycopg.connect(scratch.url("monev_superset")).close()
    psycopg.connect(scratch.url("monev_superset", "superset")).close()


# What each role may do on every table of each schema (SELECT, INSERT, UPDATE, DELETE);
# audit's per-table inserts are in ALLOWED/REFUSED above.
READ = {"SELECT"}
MATRIX = {
    "raw": {"monev_loader": {"SELECT", "INSERT"}, "monev_transformer": READ,
            "monev_gate": READ, "monev_bi": set(), "monev_auditor": READ},
    "audit": {"monev_bi": set(), "monev_auditor": READ},
    "staging": {"monev_loader": set(), "monev_gate": READ, "monev_bi": set(),
                "monev_auditor": READ},
    "intermediate": {"monev_loader": set(), "monev_gate": READ, "monev_bi": set(),
                     "monev_auditor": READ},
    "reference": {"monev_loader": set(), "monev_gate": READ, "monev_bi": set(),
                  "monev_auditor": READ},
    "marts": {"monev_loader": set(), "monev_gate": READ, "monev_bi": READ,
              "monev_auditor": READ},
    "evaluation_staging": {"monev_loader": set(), "monev_gate": READ, "monev_bi": set(),
                           "monev_auditor": READ},
    "evaluation": {"monev_loader": set(), "monev_transformer": READ, "monev_gate": READ,
                   "monev_bi": READ, "monev_auditor": READ},
    "monitoring_staging": {"monev_loader": set(), "monev_gate": READ, "monev_bi": set(),
                           "monev_auditor": READ, "monev_publisher": READ},
    # reporters' contacts: not BI's (they see them in sleeping_agreements only)
    "monitoring": {"monev_loader": set(), "monev_transformer": READ, "monev_gate": READ,
                   "monev_bi": set(), "monev_auditor": READ},
}
PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")


def test_grants_matrix_holds_on_every_table_of_every_schema(e2e):
    """Every table and view that exists after a full run (models included), per role."""
    wrong = []
    with psycopg.connect(e2e["url"]) as conn:
        relations = conn.execute(
            "SELECT n.nspname, c.relname FROM pg_class AS c JOIN pg_namespace AS n"
            " ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'v', 'p', 'm')"
            " AND n.nspname = ANY(%s)", [list(MATRIX)]).fetchall()
        assert {schema for schema, _ in relations} == set(MATRIX)
        for schema, name in relations:
            for role, allowed in MATRIX[schema].items():
                for privilege in PRIVILEGES:
                    [(has,)] = conn.execute("SELECT has_table_privilege(%s, %s, %s)",
                                            [role, f"{schema}.{name}", privilege])
                    if has != (privilege in allowed):
                        wrong.append((role, f"{schema}.{name}", privilege, has))
        for role in ("monev_loader", "monev_transformer", "monev_gate"):
            for schema in ("audit", "raw"):
                for name in (n for s, n in relations if s == schema):
                    for privilege in ("UPDATE", "DELETE"):
                        [(has,)] = conn.execute("SELECT has_table_privilege(%s, %s, %s)",
                                                [role, f"{schema}.{name}", privilege])
                        if has:
                            wrong.append((role, f"{schema}.{name}", privilege, has))
    assert wrong == []


def test_people_s_tools_are_bounded_and_kept_to_the_warehouse(scratch):
    """BI and auditor logins: a statement timeout, a connection limit, and no database
    but the warehouse to connect to."""
    for role in ("monev_bi", "monev_auditor"):
        with psycopg.connect(scratch.url(role)) as conn:
            assert conn.execute("SHOW statement_timeout").fetchone()[0] == "5min"
            assert conn.execute("SELECT rolconnlimit FROM pg_roles WHERE rolname = %s",
                                [role]).fetchone()[0] == 20
        for database in ("postgres", "template1", "airflow", "superset"):
            with pytest.raises(psycopg.OperationalError, match="permission denied"):
                psycopg.connect(scratch.url(role, database), connect_timeout=5)

