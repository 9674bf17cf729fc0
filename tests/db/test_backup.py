"""Backups: the warehouse dumped as the auditor and restored into a fresh MONEV_HOME holds
the same published marts and audit trail, row for row, with the same grants."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from monev.cli import main
from monev.db.backup import BackupFailed, backup, prune, restore
from monev.db.cluster import EmbeddedPostgres

COMPARED = ("evaluation.agreement_scorecard", "evaluation.partner_scorecard",
            "evaluation.bidang_progress", "evaluation.sleeping_agreements",
            "audit.publication", "audit.gate_result", "audit.published_trace",
            "audit.reconciliation", "audit.dbt_invocation", "raw.file_receipt")


def digests(url: str) -> dict[str, tuple]:
    with psycopg.connect(url) as conn:
        return {t: conn.execute(f"SELECT count(*), md5(string_agg(r::text, E'\\n' ORDER BY"
                                f" r::text)) FROM {t} AS r").fetchone() for t in COMPARED}


def test_a_backup_restored_into_a_fresh_home_is_the_same_warehouse(e2e, tmp_path):
    dump = tmp_path / "warehouse.dump"
    assert main(["db", "backup", str(dump)]) == 0
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    os.chmod(tmp_path, 0o755)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    os.chmod(fresh, 0o755)
    monev = str(Path(sys.executable).with_name("monev"))
    proc = subprocess.run([monev, "db", "restore", str(dump)], capture_output=True, text=True,
                          env={**os.environ, "MONEV_HOME": str(fresh)})
    cluster = EmbeddedPostgres(fresh)
    try:
        assert proc.returncode == 0, proc.stderr[-2000:]
        restored = cluster.endpoint()
        before = digests(e2e["url"])
        assert all(count > 0 for count, _ in before.values()), before
        assert digests(restored.url()) == before
        with psycopg.connect(restored.url()) as conn:
            assert conn.execute("""SELECT has_table_privilege('monev_bi',
                    'evaluation.agreement_scorecard', 'SELECT'),
                has_table_privilege('monev_transformer', 'evaluation.agreement_scorecard',
                    'INSERT'),
                has_table_privilege('monev_transformer', 'audit.gate_result', 'INSERT'),
                has_database_privilege('monev_bi', 'warehouse', 'CONNECT')""").fetchone() == (
                True, False, False, True)
        with psycopg.connect(restored.url("monev_bi")) as conn:  # its own new passwords
            assert conn.execute("SELECT count(*) FROM evaluation.agreement_scorecard"
                                ).fetchone()[0] == before["evaluation.agreement_scorecard"][0]
    finally:
        cluster.remove()


def test_backups_keep_the_newest_and_a_bad_file_is_refused(endpoint, tmp_path):
    for name in ("warehouse-20250101T000000Z.dump", "warehouse-20250102T000000Z.dump"):
        (tmp_path / name).write_bytes(b"old")
    newest = backup(endpoint.url("monev_auditor"), keep=2, folder=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "warehouse-20250102T000000Z.dump", newest.name]
    assert prune(tmp_path, 1) == [tmp_path / "warehouse-20250102T000000Z.dump"]
    for keep in (0, -1):  # would remove the newest backup, or keep the oldest
        with pytest.raises(ValueError, match=f"keep={keep}"):
            backup(endpoint.url("monev_auditor"), keep=keep, folder=tmp_path)
        with pytest.raises(ValueError, match=f"keep={keep}"):
            prune(tmp_path, keep)
    assert [p.name for p in tmp_path.iterdir()] == [newest.name]
    garbage = tmp_path / "garbage.dump"
    garbage.write_bytes(b"not a dump")
    with pytest.raises(BackupFailed, match="not a monev backup"):
        restore(endpoint, garbage)  # refused before the warehouse is touched
