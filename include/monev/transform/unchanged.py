"""Which warehouse models need no rebuild: ``monev_warehouse`` skips a model, seed or test
whose fingerprint is the one of its last successful build (docs in README, "The warehouse
(dbt)"). Most runs of that DAG follow a form sync that brought little or nothing, and a
dbt task costs about a second to start whatever its SQL.

A fingerprint is a hash of:
- the dbt project's code, every file dbt reads: any change rebuilds everything;
- for a table, an incremental model, a seed or a test: how far each raw table it reads,
  through any number of models, has grown. The raw layer is append-only, so a table's row
  count (and its file node, which TRUNCATE replaces) moves with every load;
- for a view without tests: nothing more. Its rows follow what it reads by themselves. A
  view is replaced in place (macro ``view_in_place``), so the views on it stay; a table is
  built again with ``drop ... cascade``, which takes the views on it along, and a view that
  is gone is built again (the relation check below, made when its task starts, after the
  tasks of what it reads). A view with tests is taken as a table: its tests read its rows.

A source with no watermark here, or a relation missing from the database, is never skipped.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

import psycopg
from psycopg import sql

from monev import config
from monev.sources.parsers import KINDS

# How far each raw table has grown: its row count. Raw is append-only, so the count rises
# with every load that commits, in whatever order loads commit (a serial id would not: a
# load that commits late may hold lower ids than one before it). raw table → what is
# counted for it.
#
# The row tables of the drop folder are written in the transaction of their file's
# receipt, so they go by the receipts of their kind of file: ``raw.file_receipt:<kind>``
# counts the receipts of that kind and every receipt of the same bytes (the earliest copy's
# received time counts for them all: stg_spreadsheet__file_receipts). A model that reads the
# receipts for some kinds of file only says so (``meta: receipt_kinds`` in its yml), and a
# new report then leaves the partner master's models alone.
COUNTED_BY = {
    "raw.file_receipt": "raw.file_receipt",
    **{f"raw.file_receipt:{kind}": f"raw.file_receipt:{kind}" for kind in KINDS},
    "raw.register_row": "raw.file_receipt:register",
    "raw.partner_master_row": "raw.file_receipt:partner_master",
    "raw.report": "raw.file_receipt:partner_report",
    "raw.rencana_aksi_row": "raw.file_receipt:partner_report",
    "raw.realisasi_row": "raw.file_receipt:partner_report",
    "raw.quarantine": "raw.quarantine",
    "raw.kobo_record": "raw.kobo_record",
    "raw.kobo_sync": "raw.kobo_sync",
    "raw.kobo_deletion": "raw.kobo_deletion",
}
# the receipts as the models read them: a model with `receipt_kinds` reads those kinds' only
RECEIPTS_MODEL = "model.monev.stg_spreadsheet__file_receipts"
CODE_FOLDERS = ("models", "macros", "seeds", "tests", "snapshots")


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def code_fingerprint(project_dir: Path = config.DBT_PROJECT_DIR) -> str:
    """One hash of every file dbt reads (its project file, models, macros, seeds, tests)."""
    digest = hashlib.sha256()
    files = [project_dir / "dbt_project.yml"]
    for folder in CODE_FOLDERS:
        files += sorted(p for p in (project_dir / folder).rglob("*") if p.is_file())
    for path in files:
        digest.update(str(path.relative_to(project_dir)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _count(counted: str) -> sql.Composable:
    """The row count ``counted`` names (:data:`COUNTED_BY`)."""
    table, _, kind = counted.partition(":")
    name = sql.Identifier(*table.split("."))
    if not kind:
        return sql.SQL("(SELECT count(*) FROM {})").format(name)
    return sql.SQL("(SELECT count(*) FROM {t} WHERE kind = {k} OR sha256 IN"
                   " (SELECT sha256 FROM {t} WHERE kind = {k}))").format(t=name,
                                                                        k=sql.Literal(kind))


def source_watermarks(conn: psycopg.Connection) -> dict[str, str]:
    """``schema.table`` (or ``raw.file_receipt:<kind>``) → how far it has grown (its table's
    file node and the row count counted for it), in one statement: one snapshot, each count
    taken once."""
    counted = sorted(set(COUNTED_BY.values()))
    row = conn.execute(sql.SQL("SELECT {}").format(sql.SQL(", ").join(
        [_count(c) for c in counted]
        + [sql.SQL("pg_relation_filenode({}::regclass)").format(
            sql.Literal(t.partition(":")[0])) for t in COUNTED_BY]))).fetchone()
    counts = dict(zip(counted, row[:len(counted)], strict=True))
    return {table: f"{filenode}:{counts[COUNTED_BY[table]]}"
            for table, filenode in zip(COUNTED_BY, row[len(counted):], strict=True)}


def fingerprints(manifest: dict, watermarks: dict[str, str], code: str) -> dict[str, str | None]:
    """unique id → the fingerprint of each model, seed and test of ``manifest``; None where its
    rows matter and it reads a source without a watermark (never skipped)."""
    nodes, sources = manifest["nodes"], manifest["sources"]
    parents, children = manifest["parent_map"], manifest["child_map"]

    @cache
    def data(uid: str) -> str | None:
        """Changes whenever the rows ``uid`` stands for may change."""
        if uid in sources:
            return watermarks.get(f"{sources[uid]['schema']}.{sources[uid]['identifier']}")
        kinds = nodes[uid]["config"].get("meta", {}).get("receipt_kinds")
        parts = []
        for parent in parents.get(uid, []):
            if kinds and parent == RECEIPTS_MODEL:
                parts += [watermarks.get(f"raw.file_receipt:{kind}") for kind in kinds]
            else:
                parts.append(data(parent))
        return None if None in parts else _hash(uid, *parts)

    def of_task(uid: str) -> str | None:
        """Changes whenever ``uid``'s task must run."""
        tested = any(child.startswith("test.") for child in children.get(uid, []))
        if nodes[uid]["config"].get("materialized") == "view" and not tested:
            return _hash(code, uid)  # its rows follow by themselves; if dropped, rebuilt
        rows = data(uid)
        return None if rows is None else _hash(code, uid, rows)

    return {uid: of_task(uid) for uid, node in nodes.items()
            if node["resource_type"] in ("model", "seed", "test")}


@cache
def _manifest(path: Path, mtime_ns: int) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def manifest(path: Path = config.DBT_MANIFEST) -> dict:
    """The project's manifest, parsed once per process and version."""
    return _manifest(path, path.stat().st_mtime_ns)


def inputs_now(conn: psycopg.Connection) -> dict:
    """What a warehouse run's fingerprints are taken from, read once before its first dbt
    task: the code and every raw table's watermark (one statement, so one snapshot). Rows
    that land during the run are newer than it: the next run builds what reads them, even
    when this run's tasks already read some of them."""
    return {"code": code_fingerprint(), "watermarks": source_watermarks(conn)}


def fingerprint_of(uid: str, inputs: dict) -> str | None:
    """``uid``'s fingerprint on ``inputs`` (:func:`inputs_now`)."""
    return fingerprints(manifest(), inputs["watermarks"], inputs["code"]).get(uid)


def unchanged_since_last_build(conn: psycopg.Connection, uid: str,
                               inputs: dict) -> tuple[str | None, bool]:
    """(``uid``'s fingerprint on ``inputs``, whether it is that of its last successful build
    and its relation is there)."""
    fingerprint = fingerprint_of(uid, inputs)
    if fingerprint is None:
        return None, False
    last = conn.execute(
        "SELECT fingerprint FROM audit.model_build WHERE unique_id = %s "
        "ORDER BY built_at DESC, build_id DESC LIMIT 1", (uid,)).fetchone()
    if last is None or last[0] != fingerprint:
        return fingerprint, False
    node = manifest()["nodes"][uid]
    if node["resource_type"] == "test":
        return fingerprint, True
    present = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (
        sql.Identifier(node["schema"], node["alias"]).as_string(conn),)).fetchone()[0]
    return fingerprint, present


def record_build(conn: psycopg.Connection, uid: str, fingerprint: str, airflow_run) -> None:
    """``uid`` was built (and tested) from the inputs ``fingerprint`` stands for."""
    conn.execute(
        "INSERT INTO audit.model_build (unique_id, fingerprint, airflow_dag_id, airflow_run_id,"
        " airflow_task_id) VALUES (%s, %s, %s, %s, %s)",
        (uid, fingerprint, airflow_run.dag_id, airflow_run.run_id, airflow_run.task_id))
