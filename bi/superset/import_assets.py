"""Import monev's Superset assets, overwriting what is there: run by ``monev bi setup`` with
Superset's own interpreter (``.venv-bi/bin/python import_assets.py BUNDLE.zip``).

``superset import-dashboards`` overwrites the dashboard only and keeps any older database,
datasets and charts of the same uuid, so a changed YAML would never reach a running
Superset. Here each kind is imported by its own command with overwrite, in dependency
order; running it again changes nothing."""

import importlib
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


def main(bundle: str, username: str = "admin") -> None:
    from superset.app import create_app

    app = create_app()  # before anything else of Superset's is imported
    with app.app_context():
        from superset import security_manager
        from superset.commands.importers.v1.utils import get_contents_from_bundle
        from superset.utils.core import override_user

        with ZipFile(bundle) as zf:
            contents = get_contents_from_bundle(zf)
        with override_user(security_manager.find_user(username=username)):
            import_all(contents)


if __name__ == "__main__":
    main(*sys.argv[1:])
