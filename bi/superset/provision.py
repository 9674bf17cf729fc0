"""Provision Superset for monev: its admin user, monev's assets imported over what is there,
and the staff's read-only role and user. Run by ``monev bi setup`` with Superset's own
interpreter (``.venv-bi/bin/python provision.py BUNDLE.zip``); the passwords come in the
environment (``MONEV_SUPERSET_ADMIN_PASSWORD``, ``MONEV_SUPERSET_STAFF_PASSWORD``), never on
a command line.

``superset import-dashboards`` overwrites the dashboard only and keeps any older database,
datasets and charts of the same uuid, so a changed YAML would never reach a running
Superset. Here each kind is imported by its own command with overwrite, in dependency
order; running it again changes nothing."""

import importlib
import os
import sys
from zipfile import ZipFile

import yaml

KINDS = (  # (folder in the bundle, metadata type, the command's module and class)
    ("databases", "Database", "superset.commands.database.importers.dispatcher",
     "ImportDatabasesCommand"),
    ("datasets", "SqlaTable", "superset.commands.dataset.importers.dispatcher",
     "ImportDatasetsCommand"),
    ("charts", "Slice", "superset.commands.chart.importers.dispatcher", "ImportChartsCommand"),
    ("dashboards", "Dashboard", "superset.commands.dashboard.importers.dispatcher",
     "ImportDashboardsCommand"),
)


def import_all(contents: dict[str, str]) -> None:
    metadata = yaml.safe_load(contents["metadata.yaml"])
    for folder, kind, module, name in KINDS:
        # each command takes what it needs of the whole bundle, by this type
        subset = {**contents, "metadata.yaml": yaml.safe_dump({**metadata, "type": kind})}
        command = getattr(importlib.import_module(module), name)
        command(subset, overwrite=True).run()
        print(f"imported {folder}")


def ensure_admin(security_manager, username: str) -> object:
    """The admin user, made once (``superset init`` has made the Admin role)."""
    user = security_manager.find_user(username=username)
    if user is None:
        user = security_manager.add_user(
            username, "Admin", "monev", f"{username}@monev.invalid",
            security_manager.find_role("Admin"),
            password=os.environ["MONEV_SUPERSET_ADMIN_PASSWORD"])
        if not user:
            raise SystemExit(f"could not create Superset user {username}")
        print(f"created user {username}")
    return user


STAFF_ROLE = "Staf Direktorat"
STAFF_USER = "staf"


def ensure_staff(security_manager, session, contents: dict[str, str]) -> None:
    """Staff read the dashboard and nothing else: Superset's Gamma role (dashboards and
    charts to read; no SQL Lab, no database settings, no upload) plus access to monev's
    datasets only; made anew at each run, so a permission added by hand does not stay."""
    import uuid

    from superset.connectors.sqla.models import SqlaTable

    security_manager.copy_role("Gamma", STAFF_ROLE, merge=False)
    role = security_manager.find_role(STAFF_ROLE)
    ours = [uuid.UUID(yaml.safe_load(text)["uuid"]) for path, text in contents.items()
            if path.startswith("datasets/")]
    for dataset in session.query(SqlaTable).filter(SqlaTable.uuid.in_(ours)):
        security_manager.add_permission_role(
            role, security_manager.add_permission_view_menu("datasource_access", dataset.perm))
    if security_manager.find_user(username=STAFF_USER) is None:
        if not security_manager.add_user(
                STAFF_USER, "Staf", "Direktorat Kerja Sama", f"{STAFF_USER}@monev.invalid",
                role, password=os.environ["MONEV_SUPERSET_STAFF_PASSWORD"]):
            raise SystemExit(f"could not create Superset user {STAFF_USER}")
    session.commit()


def main(bundle: str, username: str = "admin") -> None:
    from superset.app import create_app

    app = create_app()  # before anything else of Superset's is imported
    with app.app_context():
        from superset import db, security_manager
        from superset.commands.importers.v1.utils import get_contents_from_bundle
        from superset.utils.core import override_user

        user = ensure_admin(security_manager, username)
        with ZipFile(bundle) as zf:
            contents = get_contents_from_bundle(zf)
        with override_user(user):
            import_all(contents)
        ensure_staff(security_manager, db.session, contents)


if __name__ == "__main__":
    main(*sys.argv[1:])
