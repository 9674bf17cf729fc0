"""``monev generate``: data in the shapes of sources.md, messy at the rate asked, that the
real ingestion takes: every generated bad row is quarantined, nothing else is."""

import hashlib
import json

from support.warehouse import query

from monev.generate.world import generate
from monev.load.drop import ingest_folder
from monev.load.kobo import sync
from monev.sources.kobo_client import KoboClient
from monev.sources.kobo_replay import KoboReplayServer
from monev.sources.workbook import Workbook

SMALL = {"partners": 20, "agreements": 60, "years": 2, "outcomes": 3000, "messiness": 0.2}


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*")
            if p.is_file()}


def test_same_seed_same_data_other_seed_other_data(tmp_path):
    a = generate(tmp_path / "a", seed=7, **SMALL)
    b = generate(tmp_path / "b", seed=7, **SMALL)
    generate(tmp_path / "c", seed=8, **SMALL)
    assert a == b and _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")
    assert 2000 <= a["outcome_rows"] <= 4000  # about the number asked
    assert a["years"] == [2024, 2025]


def test_generated_messiness_is_ingested_and_only_bad_rows_are_quarantined(clean_scratch,
                                                                          tmp_path):
    made = generate(tmp_path / "gen", seed=3, **SMALL)
    drop = tmp_path / "gen" / "drop"
    text = "".join(json.dumps([cells for _, cells in Workbook(p.read_bytes()).rows(sheet)],
                              default=str)
                   for p in sorted(drop.glob("Laporan_*.xlsx"))[:40]
                   for sheet in ("Rencana Aksi", "Realisasi"))
    assert "Rp " in text and "Prov" in text  # messy numbers and provinces are there
    results = ingest_folder(clean_scratch.url("monev_loader"), drop, "generated")
    assert {r.status for r in results} == {"loaded", "duplicate"}
    assert sum(r.status == "duplicate" for r in results) == made["duplicates"]
    [(negative,)] = query(clean_scratch.url(), """SELECT count(*) FROM raw.quarantine
        WHERE source = 'drop' AND scope = 'row' AND reason_code = 'negative_number'""")
    [(other,)] = query(clean_scratch.url(), """SELECT count(*) FROM raw.quarantine
        WHERE source = 'drop' AND reason_code <> 'negative_number'""")
    assert (negative, other) == (made["bad_workbook_rows"], 0)
    records = json.loads((tmp_path / "gen" / "kobo" / "records.json").read_text())
    with KoboReplayServer(records, "tok") as server:
        sync(clean_scratch.url("monev_loader"),
             KoboClient(server.base_url, server.asset_uid, "tok"), "generated", True)
    [(bad_forms,)] = query(clean_scratch.url(), """SELECT count(DISTINCT kobo_id)
        FROM raw.kobo_record WHERE NOT accepted""")
    assert bad_forms == made["bad_form_records"] > 0
