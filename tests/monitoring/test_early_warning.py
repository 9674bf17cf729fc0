"""The early warning on the samples: built for a date, gated, published and exported,
equal byte for byte to the files the monitoring rules give (tests/support/expected/,
copies of ../shared/samples/expected/); a failing input check publishes nothing."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from support.mail import Inbox
from support.warehouse import EXPECTED, empty_scratch, load_samples, query

from monev.evaluation.publish import NotPassed
from monev.monitoring.date import MONITORING_MODELS, MonitoringDate
from monev.monitoring.publish import export, publish
from monev.quality.gate import MONITORING, run_gate
from monev.transform.dbt import dbt

DATES = ("2025-04-15", "2025-07-20")


@pytest.fixture(scope="module")
def world(scratch, tmp_path_factory):
    """The bundled samples loaded and the warehouse built (no evaluation)."""
    empty_scratch(scratch, "reconciliation", "publication", "gate_result")
    work = tmp_path_factory.mktemp("monitoring")
    load_samples(scratch, work / "drop", "monitoring")
    return {"endpoint": scratch, "work": work}


def build(endpoint, date: MonitoringDate) -> None:
    dbt(["run", "--quiet", "--select", *MONITORING_MODELS], endpoint,
        date.dbt_vars())


@pytest.mark.parametrize("day", DATES)
def test_early_warning_equals_the_rules_on_the_samples(world, day):
    endpoint, date = world["endpoint"], MonitoringDate.of(day)
    build(endpoint, date)
    result = run_gate(endpoint.url("monev_gate"), date.period, f"monitoring {day}",
                      scope=MONITORING)
    assert result.passed, result.summary()
    publish(endpoint.url("monev_transformer"), date, result.gate_id, f"monitoring {day}")
    written = export(endpoint.url("monev_auditor"), date, world["work"] / "export")
    assert written.name == f"early_warning_{day}.csv"
    assert written.read_bytes() == (EXPECTED / written.name).read_bytes()


def test_monitoring_build_leaves_evaluation_staging_alone(world):
    """Its evaluation models go to monitoring_staging: an evaluation in evaluation_staging,
    being gated and published, never sees them."""
    endpoint = world["endpoint"]
    build(endpoint, MonitoringDate.of(DATES[0]))
    [(as_of,)] = query(endpoint.url(), "SELECT as_of FROM monitoring_staging.eval_period")
    assert str(as_of) == DATES[0]
    staged = query(endpoint.url(), """SELECT count(*) FROM information_schema.tables
        WHERE table_schema = 'evaluation_staging' AND table_name = 'mon_period'""")
    assert staged == [(0,)]


def test_a_failing_input_check_publishes_nothing(world):
    """A gate that did not pass a monitoring build cannot publish it (nor an evaluation
    verdict): the rows of the date stay as they were."""
    endpoint, date = world["endpoint"], MonitoringDate.of(DATES[1])
    before = query(endpoint.url(), "SELECT count(*) FROM monitoring.early_warning"
                                   " WHERE as_of = %s", [date.as_of])
    with psycopg.connect(endpoint.url()) as conn:  # a verdict that failed, as the gate stores it
        [(gate_id,)] = conn.execute(
            "INSERT INTO audit.gate_result (gate_id, tahun, as_of, passed, checks, scope)"
            " VALUES (gen_random_uuid(), %s, %s, false, '[]', 'monitoring') RETURNING gate_id",
            [date.year, date.as_of]).fetchall()
    with pytest.raises(NotPassed):
        publish(endpoint.url("monev_transformer"), date, gate_id)
    after = query(endpoint.url(), "SELECT count(*) FROM monitoring.early_warning"
                                  " WHERE as_of = %s", [date.as_of])
    assert after == before


def test_letters_reach_only_the_reporters_on_file_and_only_once(world, monkeypatch):
    from monev.orchestration.local import prepare_airflow
    from monev.orchestration.tasks import write_and_send_letters

    endpoint, day = world["endpoint"], DATES[1]
    date = MonitoringDate.of(day)
    build(endpoint, date)
    result = run_gate(endpoint.url("monev_gate"), date.period, "letters", scope=MONITORING)
    publish(endpoint.url("monev_transformer"), date, result.gate_id, "letters")
    inbox = Inbox()
    inbox.controller.start()
    monkeypatch.setenv("AIRFLOW_CONN_MONEV_SMTP", inbox.connection())
    monkeypatch.setattr("monev.orchestration.tasks.transformer_url",
                        lambda: endpoint.url("monev_transformer"))
    prepare_airflow()
    try:
        first = write_and_send_letters({"as_of": day})
        again = write_and_send_letters({"as_of": day})
    finally:
        inbox.controller.stop()
    on_file = dict(query(endpoint.url(), """SELECT kode_mitra, array_agg(DISTINCT email
        ORDER BY email) FROM monitoring.early_warning WHERE as_of = %s AND email IS NOT NULL
        GROUP BY kode_mitra""", [date.as_of]))
    assert sorted(first["sent_to"]) == sorted(on_file) and again["sent_to"] == []
    assert sorted(to for to, _ in inbox.messages) == sorted(on_file.values())
    partners = {k for (k,) in query(endpoint.url(), "SELECT DISTINCT kode_mitra FROM"
                                    " monitoring.early_warning WHERE as_of = %s", [date.as_of])}
    assert len(first["letters"]) == len(partners)  # written for every partner warned
    assert all("Subject: Pemberitahuan pemantauan kerja sama per 20 Juli 2025" in content
               for _, content in inbox.messages)
    # the letter's PDF rides along, printed beside the HTML
    assert all('filename="surat_peringatan_2025-07-20.pdf"' in content
               for _, content in inbox.messages)
    assert all(Path(path).with_suffix(".pdf").read_bytes().startswith(b"%PDF-")
               for path in first["letters"])


def test_a_letter_goes_only_to_plain_addresses_from_identitas():
    """The Email cell is partner text: a list, a display name or an injected header line
    never becomes a recipient."""
    from monev.partners.outbox import plain_addresses

    hostile = ["a@x.go.id, evil@y.com", "A <evil@y.com>", "a@x.go.id\r\nBcc: evil@y.com",
               "a@x.go.id;evil@y.com", "not an address", "", None, "@x.go.id"]
    assert plain_addresses(hostile) == []
    assert plain_addresses([" pelapor@x.go.id ", "pelapor@x.go.id"]) == ["pelapor@x.go.id"]


@pytest.mark.parametrize("as_of", ["2025-02-30", "20-07-2025", "2025-07-20'; DROP TABLE x",
                                   "1899-01-01"])
def test_a_broken_monitoring_date_is_a_usage_error_naming_what_to_type(as_of, tmp_path, capsys):
    from monev.cli import main

    assert main(["monitor", "--drop", str(tmp_path), "--as-of", as_of]) == 2
    err = capsys.readouterr().err
    assert "monev monitor" in err and "Traceback" not in err


@pytest.mark.parametrize("kode", ["../../etc", "BU001/../x", ".hidden", "a b", "",
                                  "é", "x" * 80, "..", "BU001\x00"])
def test_a_partner_code_that_is_no_plain_name_never_names_a_path(kode):
    from monev.partners.outbox import folder_name

    folder = folder_name(kode)
    assert folder.startswith("mitra-") and "/" not in folder and ".." not in folder
    assert folder_name("BU001") == "BU001"
