"""docker-compose.yml's structure (no Docker engine runs here, so it is not started)."""

import re

import yaml

from monev import config
from monev.orchestration.airflow_env import openlineage_environment

AIRFLOW_SERVICES = {"airflow-apiserver", "airflow-scheduler", "airflow-dag-processor",
                    "airflow-triggerer"}


def _compose() -> dict:
    return yaml.safe_load((config.REPO_ROOT / "docker-compose.yml").read_text())


def test_stack_has_database_init_and_every_airflow_service():
    services = _compose()["services"]
    assert {"postgres", "monev-init", *AIRFLOW_SERVICES} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:15")
    assert "healthcheck" in services["postgres"]


def test_airflow_services_run_the_project_image_after_init():
    services = _compose()["services"]
    for name in AIRFLOW_SERVICES:
        svc = services[name]
        assert svc["build"] == "." and svc["image"] == "monev:latest", name
        assert svc["depends_on"]["monev-init"]["condition"] == "service_completed_successfully"
        assert svc["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert svc["command"][:2] == ["airflow", name.removeprefix("airflow-").replace(
            "apiserver", "api-server")]
        assert "healthcheck" in svc, name
        env = svc["environment"]
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].endswith("@postgres:5432/airflow")
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"].startswith(
            "http://airflow-apiserver:8080")


def test_init_migrates_warehouse_and_airflow():
    command = " ".join(_compose()["services"]["monev-init"]["command"])
    assert "monev db migrate" in command and "airflow db migrate" in command


def test_no_secret_is_written_in_the_file():
    text = (config.REPO_ROOT / "docker-compose.yml").read_text()
    for key, value in re.findall(r"(PASSWORD[A-Z_]*|FERNET_KEY|JWT_SECRET):\s*(\S+)", text):
        assert value.startswith("${"), (key, value)


def test_dockerfile_ships_dags_include_and_dbt_project():
    text = (config.REPO_ROOT / "Dockerfile").read_text()
    for folder in ("include", "dags", "dbt_project"):
        assert re.search(rf"^COPY (--\S+ )*{folder} ", text, re.MULTILINE), folder
    assert "requirements.txt" in text and "dbt parse" in text


def test_superset_is_set_up_by_monev_bi_with_its_own_secrets_only():
    """The same code path as `make bi`; Superset's services see monev_bi's password and
    their own, never another role's."""
    services = _compose()["services"]
    assert services["superset-init"]["command"] == ["monev", "bi", "setup"]
    assert services["superset"]["command"][:3] == ["monev", "bi", "serve"]
    assert services["superset"]["depends_on"]["superset-init"]["condition"] == \
        "service_completed_successfully"
    for name in ("superset-init", "superset"):
        env = services[name]["environment"]
        assert {k for k in env if "PASSWORD_MONEV" in k} == {
            "MONEV_PG_PASSWORD_MONEV_BI", "MONEV_PG_PASSWORD_MONEV_SUPERSET"}, name
    assert "metabase" not in services
    assert "bi/requirements.txt" in (config.REPO_ROOT / "Dockerfile").read_text()


def test_airflow_services_emit_lineage():
    env = _compose()["x-monev-common"]["environment"]
    assert "file" in env["AIRFLOW__OPENLINEAGE__TRANSPORT"]
    assert "hook_lineage" in env["AIRFLOW__OPENLINEAGE__EMISSION_POLICY"]
    # emitted as the local instance emits (monev.orchestration.airflow_env)
    local = openlineage_environment()
    assert yaml.safe_load(env["AIRFLOW__OPENLINEAGE__EMISSION_POLICY"]) == \
        yaml.safe_load(local["AIRFLOW__OPENLINEAGE__EMISSION_POLICY"])
    assert str(env["AIRFLOW__OPENLINEAGE__EXECUTE_IN_THREAD"]).lower() == \
        local["AIRFLOW__OPENLINEAGE__EXECUTE_IN_THREAD"].lower() == "true"


def test_celery_profile_adds_a_broker_and_scalable_workers():
    services = _compose()["services"]
    assert services["redis"]["profiles"] == ["celery"]
    worker = services["airflow-worker"]
    assert worker["profiles"] == ["celery"] and worker["command"][:3] == ["airflow", "celery",
                                                                         "worker"]
    assert "container_name" not in worker  # `--scale airflow-worker=N` needs no fixed name
    assert worker["depends_on"]["redis"]["condition"] == "service_healthy"
    env = worker["environment"]
    assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://redis")
    assert "CeleryExecutor" not in str(_compose()["x-monev-common"]["environment"]
                                       ["AIRFLOW__CORE__EXECUTOR"])  # LocalExecutor by default


def _environment(service: dict) -> dict:
    return {k: str(v) for k, v in (service.get("environment") or {}).items()}


def test_each_service_holds_only_its_own_secrets():
    """The owner's password (it can drop the append-only triggers) is for the database and
    the init service alone; Airflow gets its connections' passwords, nothing more."""
    services = _compose()["services"]
    for name, service in services.items():
        env = _environment(service)
        owner = "MONEV_PG_PASSWORD_MONEV" in env or any(
            "${MONEV_PG_PASSWORD_MONEV}" in v or "${MONEV_PG_PASSWORD_MONEV:" in v
            for v in env.values())
        assert owner == (name in ("monev-init",)) or name == "postgres", name
    for name in (*AIRFLOW_SERVICES, "airflow-worker"):
        env = _environment(services[name])
        passwords = set(re.findall(r"MONEV_PG_PASSWORD_(MONEV_\w+?)[}:]", " ".join(
            f"{k}={v}" for k, v in env.items())))
        assert passwords == {"MONEV_AIRFLOW", "MONEV_LOADER", "MONEV_TRANSFORMER",
                             "MONEV_GATE"}, (name, passwords)
        assert not any(k.startswith("MONEV_PG_PASSWORD") for k in env), name


def test_airflow_uses_a_production_auth_manager_with_an_admin_from_env():
    env = _compose()["x-monev-common"]["environment"]
    assert env["AIRFLOW__CORE__AUTH_MANAGER"].endswith("FabAuthManager")
    assert "SIMPLE_AUTH_MANAGER_USERS" not in str(env)
    init = _compose()["services"]["monev-init"]
    command = init["command"][-1]
    assert "airflow fab-db migrate" in command and "airflow users create" in command
    assert init["environment"]["AIRFLOW_ADMIN_PASSWORD"].startswith("${")


def test_published_ports_listen_on_loopback_unless_opened():
    for name, service in _compose()["services"].items():
        for port in service.get("ports", []):
            assert port.startswith("${MONEV_BIND:-127.0.0.1}:"), (name, port)


MONEV_IMAGE_SERVICES = (*AIRFLOW_SERVICES, "airflow-worker", "monev-init", "monev-files")


def test_healthchecks_need_nothing_the_image_lacks_and_the_scheduler_serves_its_health():
    services = _compose()["services"]
    for name in MONEV_IMAGE_SERVICES:
        check = " ".join(services[name].get("healthcheck", {}).get("test", []))
        assert "curl" not in check, name
    env = _compose()["x-monev-common"]["environment"]
    assert env["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"] == "True"
    assert "8974/health" in " ".join(services["airflow-scheduler"]["healthcheck"]["test"])


def test_outputs_live_in_volumes_and_staff_read_them_from_a_file_server():
    compose = _compose()
    services = compose["services"]
    for name in (*AIRFLOW_SERVICES, "airflow-worker"):
        assert "monev-home:/opt/monev" in services[name]["volumes"], name
        assert "monev-backups:/opt/monev-backups" in services[name]["volumes"], name
    files = services["monev-files"]
    assert files["volumes"] == ["monev-home:/opt/monev:ro"]  # never the backups
    assert files["command"][:3] == ["python", "-m", "http.server"]
    assert {"monev-home", "monev-backups"} <= set(compose["volumes"])


def test_the_image_is_the_official_airflow_image_of_the_pinned_version():
    text = (config.REPO_ROOT / "Dockerfile").read_text()
    pinned = re.search(r"^apache-airflow==([0-9.]+)$", (config.REPO_ROOT / "requirements.txt")
                       .read_text(), re.MULTILINE).group(1)
    assert re.search(rf"^FROM apache/airflow:slim-{re.escape(pinned)}-python3\.11$", text,
                     re.MULTILINE), pinned
    assert "pip check" in text and "postgresql-client" in text
