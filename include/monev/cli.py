"""The ``monev`` command: one entry point for operators, ``make`` and tests.

Exit codes: 0 done; 1 the command failed (a DAG, the gate, an export of a period never
published; the message says which); 2 the command line is wrong (the message says what
to type); 3 ``monev db status``: the embedded database is not running; 4 the warehouse
cannot be reached.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from monev import config
from monev.evaluation.period import EvaluationPeriod


def _period_options(parser: argparse.ArgumentParser, year_required: bool = True) -> None:
    parser.add_argument("--year", required=year_required, help="the year evaluated, e.g. 2025")
    parser.add_argument("--as-of", help="cut-off date YYYY-MM-DD; default 31 January of the "
                        "following year")


def _period(args: argparse.Namespace) -> EvaluationPeriod:
    return EvaluationPeriod.of(args.year, args.as_of)


def _cmd_db(args: argparse.Namespace) -> int:
    from monev.db.bootstrap import bootstrap
    from monev.db.cluster import EmbeddedPostgres
    from monev.db.endpoints import external_endpoint

    if args.action in ("backup", "restore"):
        return _backup_or_restore(args)
    external = external_endpoint()
    if external is not None:
        if args.action == "migrate":
            print("applied:", ", ".join(bootstrap(external)) or "nothing new")
        elif args.action == "url":
            print(external.url(args.role))
        else:
            print(f"MONEV_PG_HOST is set: monev uses {external.host}:{external.port} and starts "
                  "no embedded database", file=sys.stderr)
        return 0
    cluster = EmbeddedPostgres(config.monev_home())
    if args.action == "start":
        endpoint = cluster.start()
        print(f"PostgreSQL running on {endpoint.host}:{endpoint.port}, cluster in {cluster.root}")
    elif args.action == "stop":
        cluster.stop()
        print("PostgreSQL stopped")
    elif args.action == "status":
        status = cluster.status()
        print(json.dumps(status, indent=2))
        return 0 if status["running"] else 3
    elif args.action == "url":
        print(cluster.endpoint().url(args.role))
    elif args.action == "migrate":
        print("applied:", ", ".join(bootstrap(cluster.endpoint())) or "nothing new")
    return 0


def _at_least_one(value: str) -> int:
    """``--keep``: 0 would remove the backup just written."""
    try:
        return config.whole_number(value, 1)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _backup_or_restore(args: argparse.Namespace) -> int:
    from monev.db.backup import backup, restore
    from monev.db.server import ensure_running

    endpoint = ensure_running()
    if args.action == "backup":
        out = Path(args.file) if args.file else None
        print(backup(endpoint.url("monev_auditor"), out, args.keep))
        return 0
    if not args.file:
        raise UsageError("monev db restore FILE: name the backup to restore")
    restore(endpoint, Path(args.file))
    print(f"warehouse restored from {args.file}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from monev.orchestration.demo import run_demo

    return run_demo()


def _cmd_run(args: argparse.Namespace) -> int:
    from monev.db.server import ensure_running
    from monev.evaluation.publish import run_summary
    from monev.orchestration.local import prepare_airflow, run_pipeline
    from monev.quality.gate import data_docs_index
    from monev.report.html import report_path

    if args.kobo_url and not args.kobo_asset:
        raise UsageError("--kobo-url needs --kobo-asset (the form's asset uid)")
    drop = Path(args.drop)
    if not drop.is_dir():
        raise UsageError(f"--drop {drop}: no such folder")
    period = _period(args)
    endpoint = ensure_running()
    prepare_airflow()  # Airflow is configured for this instance before it is imported
    from monev.orchestration.console import RunConsole

    with RunConsole(args.quiet, args.verbose) as console:
        try:
            run_pipeline(drop, period, args.kobo_url, args.kobo_asset, args.confirm_deletions,
                         on_dag=console.dag)
        finally:
            log_file = console.log_file
    summary = run_summary(endpoint.url("monev_transformer"), period)
    report = report_path(period)
    summary |= {"report for Directorate staff": report}
    if report.with_suffix(".pdf").exists():
        summary |= {"  and for print (PDF)": report.with_suffix(".pdf")}
    summary |= {"gate results (GX Data Docs)": data_docs_index(), "log of this run": log_file}
    print(f"evaluation {period} published")
    for key, value in summary.items():
        print(f"  {key:34} {value}")
    print(f"export it with: monev export --year {period.year} --as-of {period.as_of} "
          "--out DIR")
    return 0


def _cmd_monitor(args: argparse.Namespace) -> int:
    from monev.db.server import ensure_running
    from monev.monitoring.date import MonitoringDate
    from monev.orchestration.local import prepare_airflow, run_monitoring

    drop = Path(args.drop)
    if not drop.is_dir():
        raise UsageError(f"--drop {drop}: no such folder")
    if args.kobo_url and not args.kobo_asset:
        raise UsageError("--kobo-url needs --kobo-asset (the form's asset uid)")
    date = MonitoringDate.of(args.as_of)
    ensure_running()
    prepare_airflow()  # Airflow is configured for this instance before it is imported
    from monev.orchestration.console import RunConsole

    with RunConsole(args.quiet, args.verbose) as console:
        run_monitoring(drop, str(date), args.kobo_url, args.kobo_asset, on_dag=console.dag)
    print(f"early warning of {date} published")
    print(f"export it with: monev export --monitoring --as-of {date} --out DIR")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from monev.db.server import ensure_running
    from monev.evaluation.export import export

    if args.monitoring:
        from monev.monitoring.date import MonitoringDate
        from monev.monitoring.publish import export as export_monitoring

        if not args.as_of:
            raise UsageError("--monitoring needs --as-of: the monitoring date, YYYY-MM-DD")
        date = MonitoringDate.of(args.as_of)
        print(export_monitoring(ensure_running().url("monev_auditor"), date, Path(args.out)))
        return 0
    if not args.year:
        raise UsageError("--year is required (or --monitoring --as-of D)")
    period = _period(args)
    for path in export(ensure_running().url("monev_auditor"), period, Path(args.out)):
        print(path)
    return 0


def _cmd_template(args: argparse.Namespace) -> int:
    from monev.db.server import ensure_running
    from monev.evaluation.period import InvalidPeriod, parse_year
    from monev.partners.prefilled import write_templates

    try:
        year = parse_year(args.year)
    except InvalidPeriod as exc:
        raise UsageError(str(exc)) from None
    if args.semester not in ("1", "2"):
        raise UsageError(f"semester {args.semester!r}: write 1 or 2")
    written, unresolved = write_templates(ensure_running().url("monev_auditor"), year,
                                          int(args.semester), Path(args.out))
    for path in written:
        print(path)
    for nomor in unresolved:
        print(f"no template for {nomor!r}: its Mitra resolves to no partner code",
              file=sys.stderr)
    print(f"{len(written)} templates written under {args.out}")
    return 0


def _cmd_trace(args: argparse.Namespace) -> int:
    from monev.db.server import ensure_running
    from monev.lineage.trace import as_csv, as_table, trace

    period = _period(args)
    rows = trace(ensure_running().url("monev_transformer"), period, args.agreement)
    print(as_table(rows))
    if args.csv:
        config.write_private(Path(args.csv), as_csv(rows))
        print(f"\n{len(rows)} rows written to {args.csv}")
    return 0


def _cmd_docs(args: argparse.Namespace) -> int:
    from monev.db.server import ensure_running
    from monev.transform.dbt import docs_dir, generate_docs

    index = generate_docs(ensure_running())
    print(f"dbt docs (models, sources, columns, tests, exposures, lineage graph), one file "
          f"that opens without a server: {index}")
    print(f"or serve the site with: .venv/bin/python -m http.server -d {docs_dir()} 8081")
    return 0


def _cmd_bi(args: argparse.Namespace) -> int:
    from monev.bi import superset
    from monev.db.server import ensure_running

    endpoint = ensure_running()
    if args.action == "setup":
        folder = superset.setup(endpoint)
        print(f"Superset set up: dashboard /superset/dashboard/{superset.DASHBOARD_SLUG}/, "
              f"warehouse as monev_bi; files in {folder}")
    elif args.action == "export":
        for path in superset.export(endpoint):
            print(path)
    else:
        url = f"http://{args.host}:{args.port}"
        print(f"Superset on {url}/superset/dashboard/{superset.DASHBOARD_SLUG}/ "
              f"(staff: user {superset.STAFF_USER}, password in "
              f"{superset.home() / (superset.STAFF_USER + '_password')}; admin: user "
              f"{superset.ADMIN_USER}, password in {superset.home() / 'admin_password'})"
              "; Ctrl-C stops it", flush=True)
        server = superset.serve(endpoint, args.host, args.port)
        try:
            return server.wait()
        except KeyboardInterrupt:
            server.terminate()
            server.wait(timeout=30)
    return 0


def _cmd_generate(args: argparse.Namespace) -> int:
    from monev.generate.world import generate

    manifest = generate(Path(args.out), args.partners, args.agreements, args.years, args.seed,
                        args.outcomes, args.messiness, args.last_year, args.increment)
    print(json.dumps(manifest, indent=2))
    print(f"drop folder: {Path(args.out) / 'drop'}; form records: "
          f"{Path(args.out) / 'kobo' / 'records.json'}")
    return 0


def _cmd_airflow(args: argparse.Namespace) -> int:
    from monev.orchestration.services import run_services

    return run_services()


class UsageError(ValueError):
    """The command line is wrong; the message says what to type (exit code 2)."""


def _common_options(defaults: bool) -> argparse.ArgumentParser:
    """Options every command takes, before or after its name (a subcommand's copy does not
    override what was given before it)."""
    common = argparse.ArgumentParser(add_help=False)
    default = (lambda value: value) if defaults else (lambda value: argparse.SUPPRESS)
    common.add_argument("-q", "--quiet", action="store_true", default=default(False),
                        help="print no progress, only the summary and errors")
    common.add_argument("-v", "--verbose", action="store_true", default=default(False),
                        help="show Airflow's, dbt's and GX's own output too")
    common.add_argument("--debug", action="store_true", default=default(False),
                        help="show a traceback when a command fails")
    return common


def _version() -> str:
    from importlib.metadata import version

    return f"monev {version('monev')}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="monev", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     parents=[_common_options(True)])
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = _common_options(False)

    def command(name: str, **kwargs) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], **kwargs)

    db = command("db", help="the warehouse database (embedded or external)")
    db.add_argument("action", choices=["start", "stop", "status", "url", "migrate", "backup",
                                       "restore"],
                    help="start/stop the embedded cluster, its status, a role's connection "
                         "URL, apply migrations, back the warehouse up (pg_dump, custom "
                         "format) or restore a backup (replaces the warehouse whole)")
    db.add_argument("file", nargs="?", help="backup: where to write it (default "
                    "MONEV_HOME/backups/warehouse-<time>.dump); restore: the backup")
    db.add_argument("--keep", type=_at_least_one, help="backup: keep only the newest N "
                    "(1 or more) backups of that folder")
    db.add_argument("--role", default=config.OWNER_ROLE, choices=config.ALL_ROLES,
                    help="role whose connection URL `url` prints (default: the owner)")
    db.set_defaults(func=_cmd_db)

    demo = command("demo", help="run the DAGs end to end on the bundled samples")
    demo.set_defaults(func=_cmd_demo)

    run = command("run", help="ingest, build and evaluate a year through Airflow")
    run.add_argument("--drop", required=True, help="drop folder with the files to ingest")
    run.add_argument("--kobo-url", help="form API base URL (token: MONEV_KOBO_TOKEN or the "
                                        "monev_kobo connection)")
    run.add_argument("--kobo-asset", help="form asset uid")
    run.add_argument("--confirm-deletions", action="store_true",
                     help="apply a wave of form deletions a sweep held back")
    _period_options(run)
    run.set_defaults(func=_cmd_run)

    mon = command("monitor", help="ingest, build and publish the early warning of a date "
                                  "through Airflow")
    mon.add_argument("--drop", required=True, help="drop folder with the files to ingest")
    mon.add_argument("--kobo-url", help="form API base URL (token: MONEV_KOBO_TOKEN or the "
                                        "monev_kobo connection)")
    mon.add_argument("--kobo-asset", help="form asset uid")
    mon.add_argument("--as-of", help="the monitoring date YYYY-MM-DD; default today in "
                                     "Jakarta")
    mon.set_defaults(func=_cmd_monitor)

    exp = command("export", help="write the published marts of a year as CSV, or with "
                                 "--monitoring the early warning of a date")
    _period_options(exp, year_required=False)
    exp.add_argument("--monitoring", action="store_true",
                     help="the early warning published for --as-of D: early_warning_<D>.csv")
    exp.add_argument("--out", required=True, help="folder for <mart>_<year>.csv or "
                                                  "early_warning_<D>.csv")
    exp.set_defaults(func=_cmd_export)

    tpl = command("template", help="pre-filled report workbooks for every agreement in force "
                                   "in a semester, one folder per partner")
    tpl.add_argument("--year", required=True, help="the year reported, e.g. 2025")
    tpl.add_argument("--semester", required=True, help="1 or 2")
    tpl.add_argument("--out", required=True, help="folder for <kode_mitra>/Laporan_*.xlsx")
    tpl.set_defaults(func=_cmd_template)

    tr = command("trace", help="every source row behind one agreement's scorecard row")
    _period_options(tr)
    tr.add_argument("--agreement", required=True, help="nomor perjanjian")
    tr.add_argument("--csv", help="also write the rows to this CSV file")
    tr.set_defaults(func=_cmd_trace)

    docs = command("docs", help="build the dbt docs site under MONEV_HOME/dbt_docs")
    docs.set_defaults(func=_cmd_docs)

    bi = command("bi", help="the staff dashboard in Apache Superset (its own virtualenv, "
                            "made by `make bi`)")
    bi.add_argument("action", choices=["setup", "serve", "export"],
                    help="setup: metadata, admin user, import bi/superset/assets (idempotent); "
                         "serve: the web server until interrupted; export: write the "
                         "dashboard as edited in Superset back to bi/superset/assets")
    bi.add_argument("--host", default="127.0.0.1", help="serve: address (default 127.0.0.1)")
    bi.add_argument("--port", type=int, default=8088, help="serve: port (default 8088)")
    bi.set_defaults(func=_cmd_bi)

    gen = command("generate", help="generated data in the shapes of docs/sources.md "
                         "(national scale by default), with its messiness at a set rate")
    gen.add_argument("--partners", type=int, default=600, help="partners (default 600)")
    gen.add_argument("--agreements", type=int, default=3000,
                     help="agreements (default 3000)")
    gen.add_argument("--years", type=int, default=5, help="years of data (default 5)")
    gen.add_argument("--last-year", type=int, default=2025,
                     help="the last year generated (default 2025)")
    gen.add_argument("--outcomes", type=int, default=1_000_000,
                     help="about this many outcome rows (workbook rows + form records)")
    gen.add_argument("--messiness", type=float, default=0.02,
                     help="share of values written messily (numbers, dates, provinces ...)")
    gen.add_argument("--increment", type=float, default=0.01,
                     help="share of reports held back in OUT/increment (incremental runs)")
    gen.add_argument("--seed", type=int, default=1, help="same seed, same bytes (default 1)")
    gen.add_argument("--out", required=True, help="folder for drop/, kobo/, increment/")
    gen.set_defaults(func=_cmd_generate)

    airflow = command("airflow", help="run Airflow's services until interrupted")
    airflow.set_defaults(func=_cmd_airflow)
    return parser


def main(argv: list[str] | None = None) -> int:
    import psycopg

    from monev.evaluation.period import InvalidPeriod

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except Exception as exc:  # a readable summary, not a traceback, for operators
        if args.debug:
            raise
        if isinstance(exc, UsageError | InvalidPeriod | NotADirectoryError):
            print(f"monev {args.command}: {exc}", file=sys.stderr)
            return 2
        if isinstance(exc, psycopg.OperationalError):
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            print(f"monev {args.command}: cannot reach the warehouse ({first}); start the "
                  "embedded one with `monev db start`, or check MONEV_PG_HOST/MONEV_PG_PORT",
                  file=sys.stderr)
            return 4
        print(f"monev {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
