"""Form ingestion against a local server that behaves like the KoboToolbox API v2."""

from __future__ import annotations

import json
import logging
import time

import pytest
from support.warehouse import query

from monev import config
from monev.load.kobo import SyncIncomplete, sync
from monev.load.reconcile import assert_run_reconciled
from monev.sources.kobo_client import IncompletePaging, KoboClient, KoboError, read_ahead
from monev.sources.kobo_records import parse_record
from monev.sources.kobo_replay import KoboReplayServer

TOKEN = "s3cret-test-token-9f2c"
RECORDS = json.loads((config.SAMPLES_DIR / "kobo" / "records.json").read_text())


@pytest.fixture
def server():
    with KoboReplayServer(RECORDS, TOKEN, page_cap=6) as srv:
        yield srv


def client_for(server, token=TOKEN, **kwargs) -> KoboClient:
    kwargs = {"timeout": 0.5, "retries": 3, "backoff": 0.05} | kwargs
    return KoboClient(server.base_url, server.asset_uid, token, **kwargs)


def versions(url: str) -> dict[int, int]:
    return dict(query(url, "SELECT kobo_id, count(*) FROM raw.kobo_record GROUP BY kobo_id"))


def test_first_sync_sweeps_every_page_and_reconciles(clean_scratch, server):
    url = clean_scratch.url()
    result = sync(url, client_for(server), "run-1")
    assert result.mode == "full" and result.pages == 3  # 15 records, server caps at 6
    assert len(server.requests) == 3
    assert versions(url) == {r["_id"]: 1 for r in RECORDS}
    pages = query(url, "SELECT page_url, rows_arrived, rows_accepted, rows_quarantined"
                       " FROM audit.reconciliation WHERE source = 'kobo' ORDER BY checked_at")
    assert [p[1] for p in pages] == [6, 6, 3] and len({p[0] for p in pages}) == 3
    assert sum(p[3] for p in pages) == 1  # 100002 reports a negative Capaian
    assert assert_run_reconciled(url, "run-1")["arrived"] == 15


def test_a_bad_record_is_stored_and_quarantined_with_its_reason(clean_scratch, server):
    url = clean_scratch.url()
    sync(url, client_for(server))
    [(accepted, capaian)] = query(url, "SELECT accepted, capaian FROM raw.kobo_record"
                                       " WHERE kobo_id = 100002")
    assert accepted is False and capaian is None
    [(reason, code, page)] = query(url, "SELECT reason, reason_code, page_url"
                                        " FROM raw.quarantine WHERE kobo_id = 100002")
    assert code == "negative_number" and "record _id 100002" in reason
    assert "kegiatan/capaian" in reason and page.startswith(server.base_url)


def test_not_approved_record_is_kept_and_flagged(clean_scratch, server):
    url = clean_scratch.url()
    sync(url, client_for(server))
    [(accepted, status)] = query(url, "SELECT accepted, validation_status FROM raw.kobo_record"
                                      " WHERE kobo_id = 100004")
    assert accepted is True and status == "validation_status_not_approved"


def test_rerun_is_idempotent(clean_scratch, server):
    url = clean_scratch.url()
    sync(url, client_for(server))
    before = query(url, "SELECT count(*) FROM raw.kobo_record")[0][0]
    incremental = sync(url, client_for(server))
    sweep = sync(url, client_for(server), full=True)
    assert incremental.mode == "incremental" and incremental.rows["arrived"] == 0
    assert sweep.rows["unchanged"] == 15 and sweep.rows["accepted"] == 0
    assert query(url, "SELECT count(*) FROM raw.kobo_record")[0][0] == before
    assert assert_run_reconciled(url, None)["unchanged"] == 15


def test_new_records_are_read_incrementally_by_id(clean_scratch, server):
    url = clean_scratch.url()
    sync(url, client_for(server))
    server.add(RECORDS[0] | {"_id": 100016, "_uuid": "new-16"})
    server.requests.clear()
    result = sync(url, client_for(server))
    assert result.mode == "incremental" and result.rows["accepted"] == 1
    assert "%24gt%22%3A100015" in server.requests[0]  # query={"_id":{"$gt":100015}}


def test_edit_and_review_reach_the_warehouse_through_the_sweep(clean_scratch, server):
    url = clean_scratch.url()
    sync(url, client_for(server))
    server.edit(100003, **{"kegiatan/capaian": "40"})
    server.review(100009, "validation_status_not_approved")
    assert sync(url, client_for(server)).rows["accepted"] == 0  # incremental: ids not new
    sweep = sync(url, client_for(server), full=True)
    assert sweep.rows["accepted"] == 2 and sweep.rows["unchanged"] == 13
    latest = dict(query(url, """SELECT DISTINCT ON (kobo_id) kobo_id,
            (capaian, validation_status, uuid, submission_time)::text
            FROM raw.kobo_record WHERE kobo_id IN (100003, 100009)
            ORDER BY kobo_id, version_id DESC"""))
    assert latest[100003].startswith("(40,")
    assert "validation_status_not_approved" in latest[100009]
    first = dict(query(url, """SELECT kobo_id, (uuid, submission_time)::text
            FROM raw.kobo_record WHERE kobo_id = 100003 ORDER BY version_id LIMIT 1"""))
    assert first[100003] != latest[100003].split(",", 1)[1]  # new _uuid ...
    assert versions(url)[100003] == 2
    [(kept,)] = query(url, "SELECT count(DISTINCT submission_time) FROM raw.kobo_record"
                           " WHERE kobo_id = 100003")
    assert kept == 1  # ... same _submission_time


def test_a_record_absent_from_a_complete_sweep_is_deleted(clean_scratch, server):
    url = clean_scratch.url()
    sync(url, client_for(server))
    server.delete(100007)
    assert sync(url, client_for(server)).deleted == 0  # only a full sweep can tell
    assert sync(url, client_for(server), full=True).deleted == 1
    assert query(url, "SELECT kobo_id FROM raw.kobo_deletion") == [(100007,)]
    assert sync(url, client_for(server), full=True).deleted == 0  # recorded once


def test_server_error_then_success_is_retried(clean_scratch, server, caplog):
    server.fail_next("status", 500)
    server.fail_next("status", 429)
    with caplog.at_level(logging.WARNING):
        result = sync(clean_scratch.url(), client_for(server))
    assert result.rows["arrived"] == 15
    assert "HTTP 500" in caplog.text and "HTTP 429" in caplog.text


def test_timeout_then_success_is_retried(clean_scratch, server, caplog):
    server.fail_next("delay", 1.5)
    with caplog.at_level(logging.WARNING):
        result = sync(clean_scratch.url(), client_for(server, timeout=0.3))
    assert result.rows["arrived"] == 15 and "Timeout" in caplog.text


def test_persistent_failure_gives_up_after_the_retries(server):
    server.fail_next("status", 503, times=10)
    with pytest.raises(KoboError, match="HTTP 503, still failing after 2 retries"):
        list(client_for(server, retries=2).pages())
    assert len(server.requests) == 3


def test_unauthorised_fails_at_once_without_the_token_in_the_log(clean_scratch, server,
                                                                  caplog):
    wrong = "wrong-token-7d1e"
    with caplog.at_level(logging.DEBUG), pytest.raises(SyncIncomplete) as exc:
        sync(clean_scratch.url(), client_for(server, token=wrong))
    assert "HTTP 401" in str(exc.value) and "Invalid token" in str(exc.value)
    assert len(server.requests) == 1  # no retry on a 4xx
    assert wrong not in str(exc.value) and wrong not in caplog.text
    assert query(clean_scratch.url(), "SELECT complete, deleted FROM raw.kobo_sync") == [
        (False, 0)]


def test_empty_string_and_absent_key_are_both_missing():
    base = dict(RECORDS[2])
    absent = {k: v for k, v in base.items() if k != "kegiatan/capaian"}
    empty = base | {"kegiatan/capaian": "  "}
    for record in (absent, empty):
        row = parse_record(record)
        assert [p.code for p in row.problems] == ["missing_value"]
    assert parse_record(base).accepted


def test_form_numbers_use_a_decimal_point_and_dates_tolerate_workbook_forms():
    row = parse_record(RECORDS[2] | {"kegiatan/capaian": "2.5", "kegiatan/tanggal": "30/03/2025"})
    assert str(row.values["capaian"]) == "2.5" and str(row.values["tanggal_kegiatan"]) == \
        "2025-03-30"
    bad = parse_record(RECORDS[2] | {"kegiatan/capaian": "1.250,5"})
    assert [p.code for p in bad.problems] == ["unparseable_number"]
    assert parse_record(RECORDS[2] | {"identitas/tahun": "dua"}).problems[0].code == \
        "unparseable_number"


# -- a misbehaving form API ---------------------------------------------------------------
def swept_then(clean_scratch, server, fault, *args, **kwargs):
    """A complete first sweep, then a sweep that meets ``fault``: what was deleted?"""
    url = clean_scratch.url()
    sync(url, client_for(server), full=True)
    server.fail_next(fault, *args, **kwargs)
    with pytest.raises(SyncIncomplete) as exc:
        sync(url, client_for(server), full=True)
    return url, str(exc.value)


@pytest.mark.parametrize("name, transform, says", [
    ("next null too early", lambda page: {**page, "next": None}, "6 records read, but the API"
                                                                   " counts 15"),
    ("an empty object", lambda page: {}, "no record count"),
    ("results not a list", lambda page: {**page, "results": "x"}, "no list of results"),
])
def test_a_faulty_page_during_a_sweep_deletes_nothing(clean_scratch, server, name, transform,
                                                       says):
    url, message = swept_then(clean_scratch, server, "page", transform)
    assert says in message
    assert query(url, "SELECT count(*) FROM raw.kobo_deletion")[0][0] == 0
    [(complete, note)] = query(url, "SELECT complete, note FROM raw.kobo_sync"
                                    " ORDER BY finished_at DESC LIMIT 1")
    assert complete is False and says in note


def test_the_token_never_follows_next_to_another_host(clean_scratch, server):
    with KoboReplayServer(RECORDS, "other-token", asset_uid=server.asset_uid) as elsewhere:
        def off_host(page):
            return {**page, "next": page["next"].replace(server.base_url, elsewhere.base_url)}

        url, message = swept_then(clean_scratch, server, "page", off_host)
        assert elsewhere.requests_seen == []  # not even asked
    assert "another host" in message
    assert all(auth == f"Token {TOKEN}" for _, auth in server.requests_seen)
    assert query(url, "SELECT count(*) FROM raw.kobo_deletion")[0][0] == 0


def test_paging_that_loops_is_stopped(clean_scratch, server):
    client = client_for(server)
    url, message = swept_then(clean_scratch, server, "page",
                              lambda page: {**page, "next": client.first_url()})
    assert "came back again" in message
    server.requests.clear()
    numbered = iter(range(1000))
    server.fail_next("page", lambda page: {**page, "next": f"{client.first_url()}&n="
                                                          f"{next(numbered)}"}, times=1000)
    with pytest.raises(SyncIncomplete, match="the paging does not end"):
        sync(url, client, full=True)
    assert len(server.requests) <= 5  # 15 records in pages of 6: 3 pages, 2 to spare


def test_a_poison_record_is_quarantined_and_the_records_after_it_load(clean_scratch):
    with KoboReplayServer(RECORDS, TOKEN, page_cap=100) as server:
        server.add(RECORDS[1] | {"_id": 100020, "_submission_time": "yesterday"})
        server.add(RECORDS[1] | {"_id": 100021, "_uuid": "after-the-poison"})

        def poison(page):
            extra = [{"kegiatan/capaian": "5"}, {**RECORDS[1], "_id": "12x"}, "not a record"]
            return {**page, "results": page["results"][:3] + extra + page["results"][3:],
                    "count": page["count"] + len(extra)}

        server.fail_next("page", poison)
        url = clean_scratch.url()
        result = sync(url, client_for(server), "poison")
    assert result.complete and result.rows["arrived"] == 17 + 3
    assert versions(url)[100021] == 1  # the record after the poison loaded
    quarantined = dict(query(url, "SELECT reason_code, count(*) FROM raw.quarantine"
                                  " WHERE column_name IN ('_id', '_submission_time')"
                                  " GROUP BY reason_code"))
    assert quarantined == {"missing_value": 2, "not_an_integer": 1, "unparseable_date": 1}
    [(accepted,)] = query(url, "SELECT accepted FROM raw.kobo_record WHERE kobo_id = 100020")
    assert accepted is False
    assert assert_run_reconciled(url, "poison")["arrived"] == 20


@pytest.mark.parametrize("fault, value", [("raw", b'{"count": 15, "resu'), ("reset", None)])
def test_a_cut_short_answer_or_a_reset_is_retried(clean_scratch, server, fault, value, caplog):
    server.fail_next(fault, value)
    with caplog.at_level(logging.WARNING):
        result = sync(clean_scratch.url(), client_for(server))
    assert result.complete and result.rows["arrived"] == 15
    assert "retry 1/3" in caplog.text


def test_retries_wait_as_long_as_retry_after_says(server):
    waits = []
    server.fail_next("retry_after", (429, 7))
    server.fail_next("status", 503)
    server.fail_next("retry_after", (503, 2000))
    client = client_for(server, sleep=waits.append, max_backoff=60, retries=5)
    assert sum(len(p.results) for p in client.pages()) == 15
    assert waits == [7.0, 0.05 * 2, 60]  # Retry-After; then backoff; a wish capped


def test_a_wave_of_deletions_waits_for_confirmation(clean_scratch):
    many = RECORDS + [r | {"_id": 200000 + i, "_uuid": f"more-{i}"}
                      for i, r in enumerate(RECORDS * 2)]
    with KoboReplayServer(many, TOKEN, page_cap=100) as server:
        url = clean_scratch.url()
        sync(url, client_for(server), full=True)
        for kobo_id in (100001, 100002, 100003):  # housekeeping: applied at once
            server.delete(kobo_id)
        assert sync(url, client_for(server), full=True).deleted == 3
        for i in range(22):  # a wave: more than 20 and more than 5% of 42 held
            server.delete(200000 + i)
        held = sync(url, client_for(server), full=True)
        assert (held.deleted, held.deletions_held) == (0, 22)
        assert query(url, "SELECT count(*) FROM raw.kobo_deletion")[0][0] == 3
        confirmed = sync(url, client_for(server), full=True, confirm_deletions=True)
        assert (confirmed.deleted, confirmed.deletions_held) == (22, 0)
    assert query(url, "SELECT deletions_confirmed FROM raw.kobo_sync"
                      " ORDER BY finished_at DESC LIMIT 1") == [(True,)]


def test_a_param_chooses_a_form_connection_never_a_host(monkeypatch):
    from monev.orchestration.connections import kobo_client

    monkeypatch.setenv("AIRFLOW_CONN_MONEV_KOBO", json.dumps(
        {"conn_type": "http", "host": "http://127.0.0.1:9", "extra": {"asset_uid": "aX"}}))
    monkeypatch.setenv("MONEV_KOBO_TOKEN", TOKEN)
    assert kobo_client().base_url == "http://127.0.0.1:9"
    for conn_id in ("attacker", "http://evil.example", "monev_kobo/../x"):
        with pytest.raises(ValueError, match="not a form API connection"):
            kobo_client(conn_id)


def test_read_ahead_fetches_the_next_page_while_this_one_loads_in_order_and_errors_in_place():
    fetched = []

    def pages():
        for n in range(3):
            fetched.append(n)
            yield n
        raise IncompletePaging("the fourth page is broken")

    got = []
    with pytest.raises(IncompletePaging, match="fourth page"):
        for page in read_ahead(pages()):
            if page == 0:  # while page 0 is being loaded, page 1 is fetched: not page 2
                deadline = time.monotonic() + 10
                while len(fetched) < 2 and time.monotonic() < deadline:
                    time.sleep(0.01)
                assert fetched == [0, 1]
            got.append(page)
    assert got == [0, 1, 2]  # every page before the error, in order


def test_raw_values_keep_the_record_as_sent_and_its_hash_is_of_that_record(clean_scratch,
                                                                             server):
    url = clean_scratch.url()
    sync(url, client_for(server))
    held = dict(query(url, "SELECT kobo_id, raw_values FROM raw.kobo_record"))
    assert held == {r["_id"]: r for r in RECORDS}
    hashes = dict(query(url, "SELECT kobo_id, payload_hash FROM raw.kobo_record"))
    assert hashes[RECORDS[0]["_id"]] == parse_record(RECORDS[0]).values["payload_hash"]
    assert len(set(hashes.values())) == len(RECORDS)


def sync_beside_a_clean_record(scratch, record: dict, run_id: str) -> str:
    """Serve the samples, ``record``, and a clean record after it; sync; the sync is
    complete, reconciled, and holds every record. Returns the warehouse URL."""
    with KoboReplayServer(RECORDS, TOKEN, page_cap=100) as server:
        server.add(record)
        server.add(RECORDS[0] | {"_id": record["_id"] + 1})
        url = scratch.url()
        result = sync(url, client_for(server), run_id)
    assert result.complete and result.rows["arrived"] == len(RECORDS) + 2
    assert versions(url).keys() == {r["_id"] for r in RECORDS} | {record["_id"],
                                                                  record["_id"] + 1}
    assert assert_run_reconciled(url, run_id)["arrived"] == len(RECORDS) + 2
    return url


def test_a_nul_character_in_a_record_is_quarantined_and_the_page_loads(clean_scratch):
    """PostgreSQL's text and jsonb refuse NUL: the record is kept, U+FFFD in its place,
    the fields that had one named in the quarantine; the records around it load."""
    nul = RECORDS[0] | {"_id": 100030, "kegiatan/uraian": "Sosialisasi\x00P4GN",
                        "_uuid": "u\x00u", "bukti": [{"bukti/tautan": "https://x.id/\x00"}],
                        "catatan\x00": "x"}
    url = sync_beside_a_clean_record(clean_scratch, nul, "nul")
    [(accepted, uraian, uuid, bukti, raw, digest)] = query(
        url, "SELECT accepted, uraian_kegiatan, uuid, bukti, raw_values, payload_hash"
             " FROM raw.kobo_record WHERE kobo_id = 100030")
    assert (accepted, uraian, uuid, bukti) == (False, None, "u\ufffdu", ["https://x.id/\ufffd"])
    assert raw["kegiatan/uraian"] == "Sosialisasi\ufffdP4GN" and raw["catatan\ufffd"] == "x"
    assert digest == parse_record(nul).values["payload_hash"] != parse_record(
        nul | {"kegiatan/uraian": "Sosialisasi\ufffdP4GN"}).values["payload_hash"]
    quarantined = query(url, "SELECT column_name, reason_code, value FROM raw.quarantine"
                             " WHERE kobo_id = 100030 ORDER BY column_name")
    assert quarantined == [("_uuid", "nul_character", None),
                           ("bukti", "nul_character", None),
                           ("catatan\ufffd", "nul_character", None),
                           ("kegiatan/uraian", "nul_character", "Sosialisasi\ufffdP4GN")]


def test_nan_or_infinity_in_a_record_is_quarantined_and_the_page_loads(clean_scratch):
    """Not JSON, but the client's parser lets NaN and Infinity through, and jsonb refuses
    them: the record is kept with their text in their place, the fields named in the
    quarantine; the records around it load."""
    odd = RECORDS[0] | {"_id": 100040, "kegiatan/capaian": float("nan"),
                        "catatan": float("inf"), "nilai": [1.5, float("-inf")]}
    url = sync_beside_a_clean_record(clean_scratch, odd, "nan")
    [(accepted, capaian, raw)] = query(url, "SELECT accepted, capaian, raw_values"
                                            " FROM raw.kobo_record WHERE kobo_id = 100040")
    assert (accepted, capaian) == (False, None)
    assert (raw["kegiatan/capaian"], raw["catatan"], raw["nilai"]) == ("nan", "inf",
                                                                       [1.5, "-inf"])
    assert query(url, "SELECT column_name, reason_code, value FROM raw.quarantine"
                      " WHERE kobo_id = 100040 ORDER BY column_name") == [
        ("catatan", "unparseable_number", None),
        ("kegiatan/capaian", "unparseable_number", "nan"),
        ("nilai", "unparseable_number", None)]
