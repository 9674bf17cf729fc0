"""Generated national-scale data: partners, agreements, workbooks and form records in the
shapes of docs/sources.md, with its messiness at a set rate, deterministic for a seed.

Output (``out``): ``drop/`` (register copies, partner master, partner workbooks, with
received times set as file times), ``kobo/records.json`` (for a replay server),
``increment/`` (the same for a share of submissions held back, to measure an incremental
run) and ``manifest.json`` (what was generated: counts, the years, the seed).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from monev import config
from monev.generate.xlsx import write_workbook

JAKARTA = ZoneInfo("Asia/Jakarta")
BIDANG = ["Pencegahan", "Pemberdayaan Masyarakat", "Rehabilitasi", "Pemberantasan",
          "Penelitian dan Pengembangan"]
SATUAN = ["kegiatan", "orang", "sekolah", "desa", "dokumen"]
KATEGORI = {"KL": "Kementerian", "LB": "Lembaga", "BU": "BUMN", "PD": "Pemerintah Daerah",
            "PT": "Perguruan Tinggi", "SW": "Swasta", "OM": "Organisasi Masyarakat",
            "IN": "Internasional"}
REGIONAL = {"PD", "PT"}
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
BULAN = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nop", "Des"]
UNITS = ["Deputi Pencegahan", "Deputi Pemberdayaan Masyarakat", "Deputi Rehabilitasi",
         "Deputi Pemberantasan", "Pusat Penelitian, Data dan Informasi"]


@dataclass
class Partner:
    kode: str
    nama: str
    singkatan: str
    kategori: str
    kode_provinsi: str


@dataclass
class Agreement:
    nomor: str
    jenis: str
    induk: str | None
    partner: Partner
    signed: dt.date
    ends: dt.date
    bidang: list[str]
    status: str
    channel: str  # workbook | form | none (a sleeping agreement)
    items: dict[int, list] = field(default_factory=dict)  # year -> rencana aksi items


class World:
    def __init__(self, partners: int, agreements: int, years: int, seed: int,
                 outcomes: int, messiness: float, last_year: int):
        self.rng = random.Random(seed)
        self.n_partners, self.n_agreements, self.n_years = partners, agreements, years
        self.outcomes, self.messiness, self.last_year = outcomes, messiness, last_year
        self.years = list(range(last_year - years + 1, last_year + 1))
        self.provinces = self._provinces()
        self.province_names = dict(self.provinces)
        self.partners = [self._partner(i) for i in range(partners)]
        self.agreements = self._agreements()
        self.counts = {"workbooks": 0, "workbook_rows": 0, "form_records": 0,
                       "duplicates": 0, "corrections": 0, "bad_workbook_rows": 0,
                       "bad_form_records": 0}

    # --- the world -----------------------------------------------------------------
    def _provinces(self) -> list[tuple[str, str]]:
        with open(config.DBT_PROJECT_DIR / "seeds" / "provinsi.csv", encoding="utf-8") as f:
            return [(r["kode_provinsi"], r["nama"]) for r in csv.DictReader(f)]

    def _partner(self, i: int) -> Partner:
        prefix = self.rng.choices(list(KATEGORI), weights=[10, 6, 8, 40, 20, 8, 6, 2])[0]
        kode_prov, provinsi = self.rng.choice(self.provinces)
        base = {"KL": "Kementerian", "LB": "Badan", "BU": "PT", "PD": "Pemerintah Kabupaten",
                "PT": "Universitas", "SW": "PT", "OM": "Yayasan", "IN": "Organisasi"}[prefix]
        nama = f"{base} {provinsi if prefix in REGIONAL else 'Nusantara'} {i:04d}"
        return Partner(f"{prefix}{i:04d}", nama, f"{prefix}-{i:04d}", KATEGORI[prefix],
                       kode_prov if prefix in REGIONAL else "")

    def _date(self, year: int) -> dt.date:
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))

    def _agreements(self) -> list[Agreement]:
        out, mous = [], []
        first = self.years[0] - 3
        for i in range(self.n_agreements):
            partner = self.rng.choice(self.partners)
            signed = self._date(self.rng.randrange(first, self.last_year + 1))
            years = self.rng.choice([3, 4, 5])
            ends = signed.replace(year=signed.year + years, day=min(signed.day, 28)) \
                - dt.timedelta(days=1)
            is_pks = mous and self.rng.random() < 0.6
            induk = self.rng.choice(mous) if is_pks else None
            jenis, prefix = ("PKS", "PKS") if is_pks else ("MoU", "NK")
            nomor = f"{prefix}/{i + 1}/{ROMAN[signed.month - 1]}/{signed.year}/BNN"
            roll = self.rng.random()
            status = "Dibatalkan" if roll < 0.02 else "Diperpanjang" if roll < 0.07 else \
                "Berakhir" if ends.year < self.last_year else "Aktif"
            channel = self.rng.choices(["workbook", "form", "none"], weights=[60, 25, 15])[0]
            a = Agreement(nomor, jenis, induk.nomor if induk else None, partner, signed, ends,
                          self.rng.sample(BIDANG, self.rng.randint(1, 3)), status, channel)
            out.append(a)
            if jenis == "MoU":
                mous.append(a)
        return out

    def in_force(self, a: Agreement, year: int) -> bool:
        return a.signed.year <= year <= a.ends.year and a.status != "Dibatalkan"

    def reports(self) -> list[tuple[Agreement, int, int]]:
        return [(a, y, s) for y in self.years for a in self.agreements
                if a.channel != "none" and self.in_force(a, y) for s in (1, 2)]

    # --- messiness -------------------------------------------------------------------
    def messy(self) -> bool:
        return self.rng.random() < self.messiness

    def number(self, value: int):
        if not self.messy():
            return value
        grouped = f"{value:,}".replace(",", ".")  # Indonesian thousands separator
        return self.rng.choice([grouped, f"Rp {grouped}", f"{grouped},-", str(value)])

    def date_text(self, d: dt.date):
        if not self.messy():
            return d.isoformat()
        return self.rng.choice([d.strftime("%d/%m/%Y"), d.strftime("%d-%m-%Y"),
                                f"{d.day} {BULAN[d.month - 1]} {d.year}"])

    def province(self, kode: str) -> str:
        name = self.province_names[kode]
        if not self.messy():
            return name
        return self.rng.choice([kode, f"Prov. {name}", f"Provinsi {name}", name.upper()])

    # --- files -------------------------------------------------------------------------
    def items(self, a: Agreement, year: int) -> list[list]:
        if year not in a.items:
            kode = a.partner.kode_provinsi or self.rng.choice(self.provinces)[0]
            a.items[year] = [
                [n, self.rng.choice(a.bidang), f"Kegiatan {n}", f"Indikator {n}",
                 self.rng.choice(SATUAN), self.rng.randint(5, 200),
                 self.rng.randrange(0, 500) * 1_000_000, kode]
                for n in range(1, self.rng.randint(3, 8) + 1)]
        return a.items[year]

    def activity(self, item: list, year: int, semester: int) -> dict:
        month = self.rng.randint(1, 6) + (6 if semester == 2 else 0)
        day = dt.date(year, month, self.rng.randint(1, 28))
        bad = self.rng.random() < self.messiness / 4  # a negative Capaian: quarantined
        return {"no": item[0], "tanggal": day, "provinsi": item[7],
                "capaian": -1 if bad else self.rng.randint(0, 20),
                "peserta": self.rng.randint(10, 500),
                "anggaran": self.rng.randrange(0, 50) * 1_000_000,
                "kendala": self.rng.choice(["", "Keterbatasan anggaran", "Cuaca"])}

    def received(self, year: int, semester: int) -> dt.datetime:
        base = dt.datetime(year, 7, 1, 8, tzinfo=JAKARTA) if semester == 1 else \
            dt.datetime(year + 1, 1, 2, 8, tzinfo=JAKARTA)
        late = self.rng.random() < self.messiness
        days = self.rng.randint(31, 60) if late else self.rng.randint(0, 27)
        return base + dt.timedelta(days=days, minutes=self.rng.randrange(600))

    def workbook(self, folder: Path, a: Agreement, year: int, semester: int, rows: int,
                 copy: int = 0, held_back: bool = False) -> Path:
        items = self.items(a, year)
        title = [["LAPORAN PELAKSANAAN KERJA SAMA P4GN"], []] if self.messy() else []
        identitas = [["Nama Instansi", a.partner.nama], ["Nomor Perjanjian", a.nomor],
                     ["Tahun", year], ["Semester", ["I", "II"][semester - 1] if self.messy()
                                       else semester],
                     ["Nama Pelapor", f"Pelapor {a.partner.kode}"], ["Jabatan", "Analis"],
                     ["Email", f"pelapor@{a.partner.kode.lower()}.go.id"],
                     ["Tanggal Laporan", self.date_text(dt.date(year, 6 * semester, 28))]]
        rencana = [["No", "Bidang", "Kegiatan", "Indikator", "Satuan", "Target",
                    "Anggaran (Rp)", "Provinsi"]]
        rencana += [[i[0], i[1], i[2], i[3], i[4], self.number(i[5]), self.number(i[6]),
                     self.province(i[7])] for i in items]
        realisasi = [["No", "No Rencana Aksi", "Tanggal Kegiatan", "Uraian Kegiatan",
                      "Provinsi", "Kabupaten/Kota", "Capaian", "Jumlah Peserta",
                      "Realisasi Anggaran (Rp)", "Kendala", "Tindak Lanjut", "Tautan Bukti"]]
        if a.channel == "workbook":
            for n in range(1, rows + 1):
                act = self.activity(self.rng.choice(items), year, semester)
                if not held_back:
                    self.counts["bad_workbook_rows"] += act["capaian"] < 0
                realisasi.append([n, act["no"], self.date_text(act["tanggal"]),
                                  f"Kegiatan {act['no']} ke-{n}", self.province(act["provinsi"]),
                                  "", self.number(act["capaian"]), act["peserta"],
                                  self.number(act["anggaran"]), act["kendala"], "",
                                  f"https://example.go.id/bukti/{n}"])
            if self.messy():
                realisasi.append(["Jumlah", "", "", "", "", "", "", "", "", "", "", ""])
            self.counts["workbook_rows"] += rows
        name = (f"Laporan_{a.partner.kode}_{year}_S{semester}_"
                f"{a.nomor.replace('/', '-')}{'_rev' + str(copy) if copy else ''}.xlsx")
        path = folder / name
        write_workbook(path, {"Identitas": title + identitas, "Rencana Aksi": title + rencana,
                              "Realisasi": title + realisasi})
        self.counts["workbooks"] += 1
        return path

    def form_record(self, kobo_id: int, a: Agreement, year: int, semester: int) -> dict:
        act = self.activity(self.rng.choice(self.items(a, year)), year, semester)
        submitted = dt.datetime.combine(act["tanggal"], dt.time(9)) + dt.timedelta(
            days=self.rng.randint(0, 20), minutes=self.rng.randrange(600))
        uid = f"{kobo_id:08x}-0000-4000-8000-{self.rng.getrandbits(48):012x}"
        record = {"_id": kobo_id, "_uuid": uid,
                  "_submission_time": submitted.strftime("%Y-%m-%dT%H:%M:%S"),
                  "_validation_status": {"uid": "validation_status_not_approved"}
                  if self.messy() else {},
                  "meta/instanceID": f"uuid:{uid}", "meta/rootUuid": f"uuid:{uid}",
                  "identitas/nomor_perjanjian": a.nomor, "identitas/tahun": str(year),
                  "identitas/semester": str(semester),
                  "kegiatan/no_rencana_aksi": str(act["no"]),
                  "kegiatan/tanggal": act["tanggal"].isoformat(),
                  "kegiatan/uraian": f"Kegiatan {act['no']}",
                  "kegiatan/provinsi": act["provinsi"],
                  "kegiatan/capaian": str(act["capaian"]),
                  "kegiatan/jumlah_peserta": str(act["peserta"]),
                  "kegiatan/anggaran": str(act["anggaran"]),
                  "bukti": [{"bukti/tautan": f"https://example.go.id/bukti/f{kobo_id}"}]}
        if act["kendala"]:
            record["kegiatan/kendala"] = act["kendala"]
        return record, act["capaian"] < 0

    def register(self, folder: Path, as_of: dt.date) -> Path:
        rows = [["DAFTAR KERJA SAMA BNN RI"], [],
                ["No", "Nomor Perjanjian", "Jenis", "Nomor Induk", "Mitra",
                 "Tanggal Tanda Tangan", "Tanggal Berakhir", "Ruang Lingkup",
                 "Unit Pelaksana", "Status"]]
        listed = [a for a in self.agreements if a.signed <= as_of]
        for n, a in enumerate(listed, start=1):
            mitra = a.partner.singkatan if self.messy() else a.partner.nama
            rows.append([n, a.nomor, a.jenis, a.induk or "", mitra, self.date_text(a.signed),
                         self.date_text(a.ends), "; ".join(a.bidang), self.rng.choice(UNITS),
                         a.status if a.ends >= as_of or a.status == "Dibatalkan"
                         else "Berakhir"])
        path = folder / f"daftar_kerja_sama_{as_of.isoformat()}.xlsx"
        write_workbook(path, {"Daftar": rows})
        return path

    def partner_master(self, folder: Path) -> Path:
        path = folder / "mitra.csv"
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["kode_mitra", "nama_resmi", "singkatan", "kategori", "induk",
                        "kode_provinsi", "berlaku_mulai", "berlaku_sampai", "alias"])
            for p in self.partners:
                w.writerow([p.kode, p.nama, p.singkatan, p.kategori, "", p.kode_provinsi,
                            "2015-01-01", "", p.nama.upper()])
        return path


def _touch(path: Path, when: dt.datetime) -> None:
    os.utime(path, (when.timestamp(), when.timestamp()))


def generate(out: Path, partners: int = 600, agreements: int = 3000, years: int = 5,
             seed: int = 1, outcomes: int = 1_000_000, messiness: float = 0.02,
             last_year: int = 2025, increment: float = 0.01) -> dict:
    """Write a generated world under ``out``; returns its manifest. A share ``increment``
    of the reports (workbooks and form records) goes to ``out/increment`` instead."""
    world = World(partners, agreements, years, seed, outcomes, messiness, last_year)
    drop, kobo = out / "drop", out / "kobo"
    for folder in (drop, kobo, out / "increment" / "drop", out / "increment" / "kobo"):
        folder.mkdir(parents=True, exist_ok=True)
    _touch(world.partner_master(drop), dt.datetime(world.years[0], 1, 1, 8, tzinfo=JAKARTA))
    for year in world.years:
        copy = world.register(drop, dt.date(year, 1, 10))
        _touch(copy, dt.datetime(year, 1, 10, 8, tzinfo=JAKARTA))
    last = world.register(drop, dt.date(last_year + 1, 1, 5))
    _touch(last, dt.datetime(last_year + 1, 1, 5, 8, tzinfo=JAKARTA))

    reports = world.reports()
    per_report = max(1, round(outcomes / max(1, len(reports))))
    records, held_back, kobo_id = [], [], 1
    for a, year, semester in reports:
        rows = max(1, round(per_report * world.rng.uniform(0.5, 1.5)))
        later = world.rng.random() < increment
        folder = out / "increment" / "drop" if later else drop
        path = world.workbook(folder, a, year, semester, rows, held_back=later)
        _touch(path, received := world.received(year, semester))
        if world.messy():  # a corrected copy, later; and now and then the same bytes again
            world.counts["corrections"] += 1
            fixed = world.workbook(folder, a, year, semester, rows, copy=1, held_back=later)
            _touch(fixed, received + dt.timedelta(days=world.rng.randint(1, 10)))
        if world.rng.random() < world.messiness / 2:
            world.counts["duplicates"] += 1
            dup = folder / path.name.replace(".xlsx", "_salinan.xlsx")
            dup.write_bytes(path.read_bytes())
            _touch(dup, received + dt.timedelta(hours=1))
        if a.channel == "form":
            for _ in range(rows):
                record, bad = world.form_record(kobo_id, a, year, semester)
                (held_back if later else records).append(record)
                world.counts["bad_form_records"] += bad and not later
                kobo_id += 1
    for offset, record in enumerate(held_back):  # new submissions get new, higher _ids
        record["_id"] = kobo_id + offset
    world.counts["form_records"] = len(records) + len(held_back)
    for path, batch in ((kobo / "records.json", records),
                        (out / "increment" / "kobo" / "records.json", held_back)):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(batch, f, separators=(",", ":"))
    manifest = {"seed": seed, "partners": partners, "agreements": agreements,
                "years": world.years, "messiness": messiness, **world.counts,
                "outcome_rows": world.counts["workbook_rows"] + len(records),
                "drop_files": sum(1 for _ in drop.iterdir()),
                "increment_files": sum(1 for _ in (out / "increment" / "drop").iterdir()),
                "increment_form_records": len(held_back)}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest
