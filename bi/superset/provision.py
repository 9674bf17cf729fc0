"""Provision Superset for monev: its admin user, then monev's assets imported over what is
there. Run by ``monev bi setup`` with Superset's own interpreter
(``.venv-bi/bin/python provision.py BUNDLE.zip``); the admin's password comes in the
environment (``MONEV_SUPERSET_ADMIN_PASSWORD``), never on a command line.

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


def main(bundle: str, username: str = "admin") -> None:
    from superset.app import create_app

    app = create_app()  # before anything else of Superset's is imported
    with app.app_context():
        from superset import security_manager
        from superset.commands.importers.v1.utils import get_contents_from_bundle
        from superset.utils.core import override_user

        user = ensure_admin(security_manager, username)
        with ZipFile(bundle) as zf:
            contents = get_contents_from_bundle(zf)
        with override_user(user):
            import_all(contents)


if __name__ == "__main__":
    main(*sys.argv[1:])
