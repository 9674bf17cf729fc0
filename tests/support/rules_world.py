"""A small world written by hand from evaluation.md: one agreement per rule edge.

Each agreement's expected figures are worked out in the comments of EXPECTED, from the
spec, not from running monev.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

from support.workbooks import register, report

JKT = ZoneInfo("Asia/Jakarta")
UTC = dt.UTC


def jkt(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=JKT)


PARTNERS = """kode_mitra,nama_resmi,singkatan,kategori,induk,kode_provinsi,berlaku_mulai,\
berlaku_sampai,alias
P1,Kementerian Satu,KemSatu,Kementerian,,,2015-01-01,,
P2,Lembaga Dua,LD,Lembaga,,,2015-01-01,,
P3,PT. Tiga (Persero),,BUMN,,,2015-01-01,,Tiga Persero
P4,Pemerintah Provinsi Empat,,Pemerintah Daerah,,32,2015-01-01,2025-06-30,
P4,Pemprov Empat Baru,,Pemerintah Daerah,,32,2025-07-01,,Pemerintah Provinsi Empat
P5,Universitas Lima,UL,Perguruan Tinggi,,,2015-01-01,,
"""

LONG = ("2024-01-01", "2030-12-31")
AGREEMENTS = [  # nomor, jenis, induk, mitra as staff write it, signed, ends, status
    ("T/89", "MoU", None, "Kementerian Satu", "2025-10-04", "2030-12-31", "Aktif"),
    ("T/90", "MoU", None, "kemsatu", "2025-10-03", "2030-12-31", "Aktif"),
    ("T/179", "MoU", None, "LD", "2025-07-06", "2030-12-31", "Aktif"),
    ("T/180", "MoU", None, "Lembaga  Dua", "2025-07-05", "2030-12-31", "Aktif"),
    ("T/DUE", "MoU", None, "PT Tiga Persero", *LONG, "Aktif"),
    ("T/ASOF", "MoU", None, "Tiga Persero", *LONG, "Aktif"),
    ("T/ROLL", "MoU", None, "Pemerintah Provinsi Empat", *LONG, "Aktif"),
    ("T/ROLL-1", "PKS", "T/ROLL", "Pemerintah Provinsi Empat", *LONG, "Aktif"),
    ("T/ROLL-2", "PKS", "T/ROLL", "Pemerintah Provinsi Empat", *LONG, "Dibatalkan"),
    ("T/SUPER", "MoU", None, "Universitas Lima", *LONG, "Aktif"),
    ("T/FORM", "MoU", None, "UL", *LONG, "Aktif"),
    ("T/ZERO", "MoU", None, "Kementerian Satu", *LONG, "Aktif"),
    ("T/NOPLAN", "MoU", None, "Kementerian Satu", *LONG, "Aktif"),
    ("T/X5", "MoU", None, "Lembaga Dua", *LONG, "Aktif"),
    ("T/X95", "MoU", None, "Lembaga Dua", *LONG, "Aktif"),
    ("T/EQUAL", "MoU", None, "PT. Tiga (Persero)", *LONG, "Aktif"),
]

ITEM_10 = [[1, "Pencegahan", "Sosialisasi", "Peserta", "Orang", 10, "1.000.000", "Jawa Barat"]]


def outcome(no_ra, date, capaian, kendala=None):
    return [1, no_ra, date, "Kegiatan", "Jawa Barat", "Bandung", capaian, 10, "100.000",
            kendala, None, None]


# file name suffix, nomor, semester, received, items (None: no Rencana Aksi sheet), outcomes
WORKBOOKS = [
    ("DUE_S1", "T/DUE", 1, dt.datetime(2025, 7, 15, 23, 30, tzinfo=UTC), ITEM_10,
     [outcome(1, "2025-03-01", 5)]),
    ("DUE_S2", "T/DUE", 2, jkt(2026, 1, 15, 23, 59), ITEM_10, [outcome(1, "2025-09-01", 5)]),
    ("ASOF_S1", "T/ASOF", 1, jkt(2025, 7, 1, 9), ITEM_10, []),
    ("ASOF_S2", "T/ASOF", 2, jkt(2026, 1, 31, 23, 59), ITEM_10, [outcome(1, "2025-10-01", 4)]),
    ("ASOF_S2_fix", "T/ASOF", 2, jkt(2026, 2, 1, 0, 0), ITEM_10, [outcome(1, "2025-10-01", 10)]),
    ("ROLL2_S1", "T/ROLL-2", 1, jkt(2025, 7, 1, 9), ITEM_10, [outcome(1, "2025-05-01", 6)]),
    ("ROLL2_S2", "T/ROLL-2", 2, jkt(2026, 1, 10, 9), ITEM_10, []),
    ("SUPER_S1_v1", "T/SUPER", 1, jkt(2025, 7, 1, 9), ITEM_10,
     [outcome(1, "2025-02-01", 1), outcome(1, "2025-02-02", 1), outcome(1, "2025-02-03", 1)]),
    ("SUPER_S1_v2", "T/SUPER", 1, jkt(2025, 7, 20, 9), ITEM_10,
     [outcome(1, "2025-02-01", 2), outcome(1, "2024-12-31", 9)]),
    ("SUPER_S2", "T/SUPER", 2, jkt(2026, 1, 10, 9), ITEM_10, []),
    ("FORM_S1", "T/FORM", 1, jkt(2025, 7, 1, 9), ITEM_10, []),
    ("ZERO_S1", "T/ZERO", 1, jkt(2025, 7, 1, 9),
     [[1, "Rehabilitasi", "A", "B", "orang", None, "100", None],
      [2, "Rehabilitasi", "A", "B", "orang", 4, "200", None]],
     [outcome(1, "2025-03-01", 7), outcome(2, "2025-03-02", 2)]),
    ("ZERO_S2", "T/ZERO", 2, jkt(2026, 1, 10, 9),
     [[1, "Rehabilitasi", "A", "B", "orang", 0, "100", None],
      [2, "Rehabilitasi", "A", "B", "orang", 4, "200", None]], []),
    ("NOPLAN_S1", "T/NOPLAN", 1, jkt(2025, 7, 1, 9), None, [outcome(1, "2025-03-01", 1)]),
    ("X5_S1", "T/X5", 1, jkt(2025, 7, 1, 9),
     [[1, "Pencegahan", "A", "B", "materi", 1000, 0, None]], [outcome(1, "2025-02-01", 1)]),
    ("X5_S2", "T/X5", 2, jkt(2026, 1, 10, 9),
     [[1, "Pencegahan", "A", "B", "materi", 1000, 0, None]], []),
    ("X95_S1", "T/X95", 1, jkt(2025, 7, 1, 9),
     [[1, "Pencegahan", "A", "B", "materi", 1000, 0, None]], [outcome(1, "2025-02-01", 499)]),
    ("X95_S2", "T/X95", 2, jkt(2026, 1, 10, 9),
     [[1, "Pencegahan", "A", "B", "materi", 1000, 0, None]], []),
    ("EQUAL_S1_a", "T/EQUAL", 1, jkt(2025, 7, 1, 10), ITEM_10,
     [outcome(1, "2025-02-01", 1, "Hujan"), outcome(1, "2025-02-02", 1, "@cmd")]),
    ("EQUAL_S1_B", "T/EQUAL", 1, jkt(2025, 7, 1, 10), ITEM_10, [outcome(1, "2025-02-01", 1)]),
    ("EQUAL_S2", "T/EQUAL", 2, jkt(2026, 1, 10, 9), ITEM_10, []),
]


def form_record(kobo_id, status, capaian, submitted, semester="2", tanggal="2025-08-01",
                nomor="T/FORM"):
    record = {
        "_id": kobo_id, "_uuid": f"u-{kobo_id}", "_submission_time": submitted,
        "_validation_status": {"uid": status} if status else {},
        "meta/rootUuid": f"uuid:u-{kobo_id}", "meta/instanceID": f"uuid:u-{kobo_id}",
        "identitas/nomor_perjanjian": nomor, "identitas/tahun": "2025",
        "identitas/semester": semester, "kegiatan/no_rencana_aksi": "1",
        "kegiatan/tanggal": tanggal, "kegiatan/capaian": capaian,
        "bukti": [{"bukti/tautan": "https://example.go.id/b"}],
    }
    return record


FORM_RECORDS = [
    form_record(1, "validation_status_approved", "3", "2025-08-02T01:00:00"),
    form_record(2, None, "2", "2025-09-02T01:00:00", tanggal="2025-09-01"),
    form_record(3, "validation_status_not_approved", "5", "2025-07-05T01:00:00"),
]

# nomor: (days_in_force, activities, realisasi, kepatuhan, kualitas_data, skor, kategori,
#         tidur, tanpa_rencana_aksi)
EXPECTED = {
    # T/89 is in force 89 days of 2025 (4 Oct - 31 Dec): not evaluated.
    # 90 days, S2 expected only, no report: R 0, C 0, Q 1 -> 20.0; under 180 days: awake.
    "T/90": (90, 0, "0.000000", "0.000000", "1.000000", "20.0", "Kurang", False, True),
    "T/179": (179, 0, "0.000000", "0.000000", "1.000000", "20.0", "Kurang", False, True),
    "T/180": (180, 0, "0.000000", "0.000000", "1.000000", "20.0", "Tidur", True, True),
    # S1 received 06:30 on 16 July in Jakarta (23:30 UTC on 15 July): late, 0.5; S2 at
    # 23:59 on 15 January in Jakarta: on time. 5 + 5 of target 10: R 1. 50 + 22.5 + 20.
    "T/DUE": (365, 2, "1.000000", "0.750000", "1.000000", "92.5", "Baik", False, False),
    # S2 received 23:59 on as_of counts (late: 0.5); its correction at 00:00 the next day
    # does not exist yet: capaian 4 of 10. 20 + 22.5 + 20.
    "T/ASOF": (365, 1, "0.400000", "0.750000", "1.000000", "62.5", "Cukup", False, False),
    # The cancelled PKS T/ROLL-2 still feeds its MoU: 6 of 10, its reports on time.
    "T/ROLL": (365, 1, "0.600000", "1.000000", "1.000000", "80.0", "Baik", False, False),
    "T/ROLL-1": (365, 0, "0.000000", "0.000000", "1.000000", "20.0", "Tidur", True, True),
    # v2 supersedes v1 for S1 (v1's 3 rows do not count, but v1 is the earliest report);
    # v2's row dated 2024-12-31 is good but not counted: 2 of 10.
    "T/SUPER": (365, 1, "0.200000", "1.000000", "1.000000", "60.0", "Cukup", False, False),
    # Forms: approved (3) and unreviewed (2) count; not-approved (5) neither counts nor
    # reports. 5 of 10: 25 + 30 + 20.
    "T/FORM": (365, 2, "0.500000", "1.000000", "1.000000", "75.0", "Baik", False, False),
    # Item 1 has target 0 (blank in S1, 0 in S2): listed, its outcome counted, not averaged.
    "T/ZERO": (365, 2, "0.500000", "1.000000", "1.000000", "75.0", "Baik", False, False),
    # No Rencana Aksi sheet: the outcome matches no item (bad): Q 0; S1 on time, S2 none.
    "T/NOPLAN": (365, 0, "0.000000", "0.500000", "0.000000", "15.0", "Tidur", True, True),
    # 100 x (0.5 x 0.001 + 0.3 + 0.2) = 50.05 -> 50.1 (half away from zero).
    "T/X5": (365, 1, "0.001000", "1.000000", "1.000000", "50.1", "Cukup", False, False),
    # 74.95 -> 75.0, and the category follows the rounded score: Baik.
    "T/X95": (365, 1, "0.499000", "1.000000", "1.000000", "75.0", "Baik", False, False),
    # Equal received times: "…_a" sorts after "…_B" in byte order and wins (2 rows).
    "T/EQUAL": (365, 2, "0.200000", "1.000000", "1.000000", "60.0", "Cukup", False, False),
}


def build_drop(folder: Path) -> Path:
    """Write the register, the partner master and the workbooks with their received times."""
    folder.mkdir(parents=True, exist_ok=True)
    times = {}
    rows = [[i + 1, *a[:6], "Pencegahan", "Deputi Pencegahan", a[6]]
            for i, a in enumerate(AGREEMENTS)]
    times[register(folder / "daftar_kerja_sama_test.xlsx", rows)] = jkt(2025, 1, 5, 9)
    master = folder / "mitra_test.csv"
    master.write_text(PARTNERS)
    times[master] = jkt(2025, 1, 1, 9)
    for suffix, nomor, semester, received, items, outcomes in WORKBOOKS:
        kode = {"T/DUE": "P3", "T/ASOF": "P3", "T/EQUAL": "P3"}.get(nomor, "PX")
        path = folder / f"Laporan_{kode}_2025_S{semester}_{suffix}.xlsx"
        report(path, identitas={"Nomor Perjanjian": nomor, "Tahun": 2025,
                                "Semester": "I" if semester == 1 else "II",
                                "Nama Pelapor": f"Pelapor {suffix}"},
               rencana=items or [], realisasi=outcomes,
               skip=("Rencana Aksi",) if items is None else ())
        times[path] = received
    for path, when in times.items():
        os.utime(path, (when.timestamp(), when.timestamp()))
    return folder
