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
    ("monev_transformer", "DELETE FROM evaluation.agreement_scorecard WHERE tahun = -1"),
]
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
    ("monev_transformer", "DELETE FROM audit.publication"),
    ("monev_loader", "DELETE FROM raw.kobo_record"),
    ("monev_auditor", "INSERT INTO raw.quarantine (load_id, source, reason_code, reason, scope)"
                      " VALUES (gen_random_uuid(), 'drop', 'x', 'x', 'file')"),
    ("monev_auditor", "CREATE TABLE marts.x (x int)"),
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
    assert visible == [("evaluation.sleeping_agreements",)]
