"""The gate (write-audit-publish): the evaluation built in ``evaluation_staging`` is
checked by a Great Expectations checkpoint and by the dbt tests of the evaluation models;
the verdict, naming every failed check with its row count and examples, is stored in
``audit.gate_result`` before anything is published.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psycopg

from monev import config
from monev.evaluation.period import EvaluationPeriod
from monev.quality.checks import CHECKS, DATASETS, MONITORING_CHECKS, gx_query
from monev.quality.data_docs import AssetsMissing, make_offline
from monev.transform.dbt import RunningDbt, start_dbt, target_dir

log = logging.getLogger(__name__)
URL_VARIABLE = "MONEV_GX_WAREHOUSE_URL"  # GX reads the URL from here: never written to disk
EXAMPLES = 5
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Scope:
    """What a gate run checks: an evaluation build, or a monitoring build (its inputs)."""
    name: str  # audit.gate_result.scope
    schema: str  # where the build is
    checks: tuple[str, ...]  # names of CHECKS
    dbt_select: str  # the dbt tests it runs
    build_hash: str  # SQL: the digest of what a publication of the build would copy
    dbt_vars: tuple = ()  # vars added to the period's


EVALUATION = Scope("evaluation", "evaluation_staging", tuple(c.name for c in CHECKS),
                   "tag:evaluation", "audit.evaluation_build_hash()")
MONITORING = Scope("monitoring", "monitoring_staging", MONITORING_CHECKS, "tag:monitoring",
                   "audit.monitoring_build_hash()", (("build", "monitoring"),))


@dataclass
class CheckResult:
    name: str
    rule: str
    source: str  # great_expectations | dbt
    passed: bool
    count: int
    examples: list = field(default_factory=list)


@dataclass
class GateResult:
    gate_id: uuid.UUID
    passed: bool
    checks: list[CheckResult]
    data_docs: str | None

    @property
    def failed(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed]

    def summary(self) -> str:
        if self.passed:
            return f"gate {self.gate_id}: all {len(self.checks)} checks passed"
        lines = [f"gate {self.gate_id}: {len(self.failed)} of {len(self.checks)} checks failed"]
        for c in self.failed:
            lines.append(f"  {c.name} ({c.source}): {c.count} row(s) — {c.rule}; "
                         f"examples: {json.dumps(c.examples, default=str, ensure_ascii=False)}")
        return "\n".join(lines)


class GateFailed(RuntimeError):
    def __init__(self, result: GateResult):
        super().__init__(result.summary())
        self.result = result


def gx_home() -> Path:
    return config.monev_home() / "gx"


def data_docs_index() -> Path:
    """GX Data Docs of every gate run (the checks, their results and examples)."""
    return gx_home() / "uncommitted" / "data_docs" / "local_site" / "index.html"


def _gx_context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="file", project_root_dir=str(config.monev_home()))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def run_expectations(url: str, period: EvaluationPeriod,
                     scope: Scope = EVALUATION) -> tuple[list[CheckResult], str, dict]:
    """One GX checkpoint over every dataset of the gate; returns the results, the Data Docs
    URL and GX's own description of the checkpoint run (for the audit trail)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
    )

    os.environ[URL_VARIABLE] = url.replace("postgresql://", "postgresql+psycopg2://", 1)
    context = _gx_context()
    source = context.data_sources.add_or_update_postgres(
        name="warehouse", connection_string="${" + URL_VARIABLE + "}")
    definitions, by_expectation = [], {}
    checks = [c for c in CHECKS if c.name in scope.checks]
    for dataset in sorted({c.dataset for c in checks}, key=list(DATASETS).index):
        name = f"{scope.name}.{dataset}" if scope is not EVALUATION else dataset
        if name in {a.name for a in source.assets}:
            source.delete_asset(name)  # the query may have changed since the last run
        batch = source.add_query_asset(name=name, query=gx_query(dataset, scope.schema)) \
            .add_batch_definition_whole_table("all")
        suite = context.suites.add_or_update(gx.ExpectationSuite(name=f"gate.{name}"))
        for check in (c for c in checks if c.dataset == dataset):
            # the rule in words is what Data Docs shows for the check
            expectation = getattr(gxe, check.expectation)(
                **check.kwargs, meta={"check": check.name}, description=check.rule)
            suite.add_expectation(expectation)
        suite.save()
        definitions.append(context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=f"gate.{name}", data=batch, suite=suite)))
    checkpoint = context.checkpoints.add_or_update(gx.Checkpoint(
        name=f"monev_gate_{scope.name}" if scope is not EVALUATION else "monev_gate",
        validation_definitions=definitions, actions=[],
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": EXAMPLES}))
    run = checkpoint.run(run_id=gx.RunIdentifier(run_name=f"{scope.name} {period}"))
    # the run's pages and the index, built once: GX's UpdateDataDocsAction builds them
    # (and the index, and its Jinja templates) again for each of the run's validations
    context.build_data_docs(resource_identifiers=[
        *run.run_results,
        *(ExpectationSuiteIdentifier(name=v.suite_name) for v in run.run_results.values())])
    for validation in run.run_results.values():
        for r in validation.results:
            by_expectation[r.expectation_config.meta["check"]] = r
    results = []
    for check in checks:
        r = by_expectation[check.name]
        count = r.result.get("unexpected_count")
        if count is None:
            count = 0 if r.success else 1
        results.append(CheckResult(check.name, check.rule, "great_expectations",
                                   bool(r.success), int(count),
                                   list(r.result.get("partial_unexpected_list") or [])))
    docs = context.get_docs_sites_urls()
    try:
        make_offline(data_docs_index().parent)
    except AssetsMissing as exc:  # the docs are a by-product: the verdict stands
        log.warning("GX Data Docs left pointing at CDNs: %s", exc)
    return results, (docs[0]["site_url"] if docs else None), run.describe_dict()


def dbt_tests_target(scope: Scope) -> Path:
    """Where the gate's dbt tests of ``scope`` write their artifacts, apart from every
    other dbt invocation's."""
    return target_dir() / f"gate_{scope.name}"


def start_dbt_tests(url: str, period: EvaluationPeriod,
                    scope: Scope = EVALUATION) -> RunningDbt:
    """The dbt tests (generic, custom and unit) of the models of the build checked, started
    in their own process: the GX checkpoint runs meanwhile. Their artifacts go to
    ``dbt_target/gate_<scope>``, emptied first, so an earlier run's results are never read."""
    target = dbt_tests_target(scope)
    (target / "run_results.json").unlink(missing_ok=True)
    return start_dbt(["test", "--select", scope.dbt_select, "--quiet"], url=url,
                     dbt_vars={**period.dbt_vars(), **dict(scope.dbt_vars)}, target=target)


def dbt_test_results(running: RunningDbt, url: str, airflow_run_id: str | None = None,
                     scope: Scope = EVALUATION) -> list[CheckResult]:
    """Wait for :func:`start_dbt_tests`' process; its results as checks (the invocation is
    recorded in the audit trail like every dbt invocation)."""
    from monev.lineage.audit_trail import AirflowRun, UnreadableRunResults, record_dbt_invocation

    output = running.wait().stdout
    target = dbt_tests_target(scope)
    try:
        run_results = record_dbt_invocation(url, target / "run_results.json",
                                            target / "manifest.json",
                                            AirflowRun(run_id=airflow_run_id))
    except UnreadableRunResults as exc:
        raise RuntimeError(f"dbt test of the {scope.name} models left results that cannot be"
                           f" read ({exc}):\n{output[-3000:]}") from None
    if run_results is None:
        raise RuntimeError(f"dbt test of the {scope.name} models ended without results:\n"
                           f"{output[-3000:]}")
    results = []
    for r in run_results["results"]:
        passed = r["status"] in ("pass", "success")
        kind, _, *names = r["unique_id"].split(".")
        # a unit test is named after the rule it checks (rule_...), a data test after itself
        name = names[1] if kind == "unit_test" else names[0]
        message = ANSI_ESCAPE.sub("", r.get("message") or "")
        results.append(CheckResult(name, f"dbt {kind.replace('_', ' ')}", "dbt", passed,
                                   int(r.get("failures") or (0 if passed else 1)),
                                   [] if passed else [message[:600]]))
    if not results:
        raise RuntimeError(f"dbt ran no test of the {scope.name} models")
    return sorted(results, key=lambda c: c.name)


def build_digest(conn: psycopg.Connection, scope: Scope = EVALUATION) -> str:
    """The digest of every row a publication of the current build would copy."""
    return conn.execute(f"SELECT {scope.build_hash}").fetchone()[0]


def built_in(conn: psycopg.Connection, scope: Scope) -> EvaluationPeriod:
    """The period the build of ``scope`` was made for (a monitoring build's is its date)."""
    return EvaluationPeriod(*conn.execute(
        f"SELECT tahun, as_of FROM {scope.schema}.eval_period").fetchone())


def run_gate(url: str, period: EvaluationPeriod, airflow_run_id: str | None = None,
             dbt_tests: bool = True, scope: Scope = EVALUATION) -> GateResult:
    """Check the build made for ``period`` (an evaluation, or with ``scope=MONITORING`` the
    monitoring of the date ``period.as_of``) and store the verdict (also when it fails)
    with the digest of the build it checked: publishing accepts exactly that build.
    ``url``: the warehouse as monev_gate, the only role that may write verdicts.
    ``dbt_tests=False`` runs the GX checkpoint alone (tests of single checks)."""
    from monev.evaluation.publish import NotBuilt

    with psycopg.connect(url) as conn:
        built = built_in(conn, scope)
        build_hash = build_digest(conn, scope)
    if built != period:
        raise NotBuilt(f"{scope.schema} holds {built}, not {period}")
    # dbt's tests in their own process, GX's checkpoint here: both at once
    running = start_dbt_tests(url, period, scope) if dbt_tests else None
    try:
        expectations, docs, gx_results = run_expectations(url, period, scope)
    except BaseException:
        if running:  # dbt is waited for and recorded; GX's error is the one raised
            with contextlib.suppress(Exception):
                dbt_test_results(running, url, airflow_run_id, scope)
        raise
    checks = expectations + (dbt_test_results(running, url, airflow_run_id, scope)
                             if running else [])
    with psycopg.connect(url) as conn:
        unchanged = build_digest(conn, scope) == build_hash
    if not unchanged:
        checks.append(CheckResult("build_unchanged_while_checked", "the build the checks ran "
                                  "on is the build recorded", "monev", False, 1, []))
    result = GateResult(uuid.uuid4(), all(c.passed for c in checks), checks, docs)
    with psycopg.connect(url) as conn:
        conn.execute(
            "INSERT INTO audit.gate_result (gate_id, tahun, as_of, airflow_run_id, passed,"
            " checks, data_docs, gx_results, build_hash, scope)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [result.gate_id, period.year, period.as_of, airflow_run_id, result.passed,
             json.dumps([asdict(c) for c in checks], default=str, ensure_ascii=False), docs,
             json.dumps(gx_results, default=str, ensure_ascii=False), build_hash, scope.name])
    (log.info if result.passed else log.error)("%s", result.summary())
    return result
