"""The ground: pinned environment, embedded PostgreSQL, MONEV_HOME isolation, roles."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from monev.db.cluster import EmbeddedPostgres


def test_pip_check_is_clean():
    proc = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_requirements_are_all_pinned():
    from monev import config

    lines = [line.strip() for line in open(config.REPO_ROOT / "requirements.txt")
             if line.strip() and not line.lstrip().startswith("#")]
    assert lines and all("==" in line for line in lines), [x for x in lines if "==" not in x]


def _answers(endpoint) -> int:
    with psycopg.connect(endpoint.url(), connect_timeout=5) as conn:
        return conn.execute("SELECT 1").fetchone()[0]


def test_database_starts_answers_stops_and_starts_again(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    os.chmod(tmp_path, 0o755)
    cluster = EmbeddedPostgres(home)
    endpoint = cluster.start()
    try:
        assert _answers(endpoint) == 1
        assert cluster.start().port == endpoint.port  # idempotent start
        cluster.stop()
        cluster.stop()  # idempotent stop
        assert not cluster.running()
        with pytest.raises(psycopg.OperationalError):
            _answers(endpoint)
        assert _answers(cluster.start()) == 1
    finally:
        cluster.remove()


def test_two_homes_run_side_by_side(tmp_path, endpoint):
    os.chmod(tmp_path, 0o755)
    other = EmbeddedPostgres(tmp_path / "other")
    (tmp_path / "other").mkdir()
    second = other.start()
    try:
        assert second.port != endpoint.port
        assert second.passwords != endpoint.passwords
        with psycopg.connect(second.url()) as conn:
            conn.execute("CREATE TABLE public.only_here (x int)")
        with psycopg.connect(endpoint.url()) as conn:
            assert conn.execute("SELECT to_regclass('public.only_here')").fetchone()[0] is None
    finally:
        other.remove()


def test_secrets_file_is_private(endpoint):
    from monev import config

    if not endpoint.embedded:
        pytest.skip("external server")
    mode = stat.S_IMODE((config.monev_home() / "secrets.json").stat().st_mode)
    assert mode == 0o600


def test_password_auth_is_enforced(endpoint):
    bad = endpoint.url().replace(endpoint.passwords["monev"], "wrong-password")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(bad, connect_timeout=5)


@pytest.mark.skipif(os.geteuid() != 0, reason="the fallback matters when PostgreSQL runs as "
                    "another user than the caller (root)")
def test_home_inside_a_private_folder_places_cluster_where_server_can_reach(tmp_path):
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    cluster = EmbeddedPostgres(private / "home")
    (private / "home").mkdir()
    endpoint = cluster.start()
    try:
        assert not str(cluster.root).startswith(str(private))
        assert _answers(endpoint) == 1
        assert cluster.status()["cluster"] == str(cluster.root)
        fallback = cluster.root
    finally:
        cluster.remove()
    assert not fallback.exists()  # remove() cleans the fallback folder too


def test_a_restart_with_clients_connected_keeps_the_port(tmp_path):
    """Connections the server closes linger in TIME_WAIT on its port: that is no reason
    to move (Airflow, BI tools and lineage names all carry host:port)."""
    os.chmod(tmp_path, 0o755)
    (tmp_path / "home").mkdir()
    cluster = EmbeddedPostgres(tmp_path / "home")
    endpoint = cluster.start()
    try:
        clients = [psycopg.connect(endpoint.url()) for _ in range(3)]
        for conn in clients:
            conn.execute("SELECT 1")
        cluster.stop()
        for conn in clients:
            conn.close()
        assert cluster.start().port == endpoint.port
        assert _answers(endpoint) == 1
    finally:
        cluster.remove()


@pytest.mark.skipif(os.geteuid() != 0, reason="the /var/tmp fallback is used only as root")
def test_a_link_planted_at_the_fallback_folder_is_refused_and_its_target_untouched(tmp_path):
    import hashlib

    from monev.db.cluster import ClusterError

    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    (private / "home").mkdir()
    cluster = EmbeddedPostgres(private / "home")
    digest = hashlib.sha256(str(cluster.home).encode()).hexdigest()[:12]
    planted = Path("/var/tmp") / f"monev-{digest}"
    target = tmp_path / "target"
    target.mkdir()
    os.chmod(tmp_path, 0o755)
    owner = target.stat().st_uid
    os.symlink(target, planted)
    try:
        with pytest.raises(ClusterError, match="not a folder of root"):
            cluster.start()
        assert target.stat().st_uid == owner and not (target / "postgres").exists()
    finally:
        planted.unlink()


def test_a_new_home_and_its_outputs_are_its_owner_s_alone(tmp_path, monkeypatch):
    from monev import config

    monkeypatch.setenv("MONEV_HOME", str(tmp_path / "fresh"))
    home = config.monev_home()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    reports = config.private_dir(home / "reports")
    written = config.write_private(reports / "r.html", "laporan")
    assert stat.S_IMODE(reports.stat().st_mode) == 0o700
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


@pytest.mark.parametrize("value", ["lima ribu", "0", "70000", "5432.0"])
def test_a_port_setting_out_of_range_or_not_a_number_is_named(monkeypatch, value):
    from monev.db.endpoints import external_endpoint as external

    monkeypatch.setenv("MONEV_PG_HOST", "db.example")
    monkeypatch.setenv("MONEV_PG_PORT", value)
    with pytest.raises(ValueError, match=f"MONEV_PG_PORT='{value}': must be a whole number "
                                         "from 1 to 65535"):
        external()
    monkeypatch.setenv("MONEV_PG_PORT", " 6543 ")
    assert external().port == 6543
