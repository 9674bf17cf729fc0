"""The value rules of sources.md: Indonesian numbers, dates, labels, semesters, bidang;
and how a table's rows meet its columns."""

import datetime as dt
from decimal import Decimal

import pytest

from monev.sources.parsers import parse_partner_master
from monev.sources.values import (
    Unparseable,
    canonical_bidang,
    normalise_label,
    parse_date,
    parse_integer,
    parse_number,
    parse_semester,
)


@pytest.mark.parametrize("text,expected", [
    ("1.250", Decimal("1250")), ("1.250,5", Decimal("1250.5")),
    ("Rp 15.000.000", Decimal("15000000")), ("15.000.000,-", Decimal("15000000")),
    ("rp. 2.500", Decimal("2500")), ("RP1.000.000,-", Decimal("1000000")),
    ("1250", Decimal("1250")), ("12,75", Decimal("12.75")), ("-5", Decimal("-5")),
    ("-", None), ("", None), ("  ", None), (None, None),
    (1250.0, Decimal("1250.0")), (0.1, Decimal("0.1")), (3, Decimal("3")),
    (" Rp 1.000 ,- ", Decimal("1000")), ("Rp,-", None), ("1 250", Decimal("1250")),
    ("Rp. -", None),
])
def test_numbers(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["1.5", "1.25", "12.3456", "1,250.5", "abc", "1.2.3",
                                  "10%", True])
def test_numbers_that_do_not_parse(text):
    with pytest.raises(Unparseable):
        parse_number(text)


@pytest.mark.parametrize("value,expected", [
    ("16/11/2021", dt.date(2021, 11, 16)), ("16-11-2021", dt.date(2021, 11, 16)),
    ("2021-11-16", dt.date(2021, 11, 16)), ("16 November 2021", dt.date(2021, 11, 16)),
    ("16 Nop 2021", dt.date(2021, 11, 16)), ("16 Agt 2021", dt.date(2021, 8, 16)),
    ("1 agu 2021", dt.date(2021, 8, 1)), ("5 AGS 2021", dt.date(2021, 8, 5)),
    ("3 Mei 2025", dt.date(2025, 5, 3)), ("31 Desember 2025", dt.date(2025, 12, 31)),
    (dt.date(2025, 1, 2), dt.date(2025, 1, 2)), (dt.datetime(2025, 1, 2, 9), dt.date(2025, 1, 2)),
    ("", None), (None, None),
])
def test_dates(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2025", "2025/11/16", "16 Foo 2021", "16.11.2021",
                                   45000.0, 45000, "11/16"])
def test_dates_that_do_not_parse(value):
    with pytest.raises(Unparseable):
        parse_date(value)


@pytest.mark.parametrize("label", ["Nomor Perjanjian", "nomor perjanjian", " NOMOR  PERJANJIAN ",
                                   "Nomor\nPerjanjian", "Nomor Perjanjian*", "Nomor Perjanjian :"])
def test_label_variants(label):
    assert normalise_label(label) == "nomor perjanjian"


def test_semester_forms():
    assert [parse_semester(v) for v in ("I", "ii", "1", 2.0, 1)] == [1, 2, 1, 2, 1]
    with pytest.raises(Unparseable):
        parse_semester("III")


def test_integer_requires_a_whole_number():
    assert parse_integer("3") == 3 and parse_integer(4.0) == 4
    with pytest.raises(Unparseable):
        parse_integer(2.5)


def test_bidang_canonical_and_unknown_kept():
    assert canonical_bidang(" pencegahan ") == "Pencegahan"
    assert canonical_bidang("P2M") == "Pencegahan"
    assert canonical_bidang("PEMBERDAYAAN  MASYARAKAT") == "Pemberdayaan Masyarakat"
    assert canonical_bidang("Hukum") == "Hukum"


def test_a_short_row_has_blank_cells_and_a_long_row_keeps_its_columns():
    """A CSV row may hold fewer or more cells than the header: the missing ones are blank
    (a required one is then missing), the extra ones are not read."""
    data = (b"kode_mitra,nama_resmi,kategori,berlaku_mulai,alias\n"
            b"M1,Badan Satu,Kementerian,2021-01-01\n"
            b"M2,Badan Dua,Kementerian,2021-01-01,BD,lebih,lagi\n"
            b"M3,Badan Tiga\n")
    rows = parse_partner_master(data).sheets["partner_master_row"].rows
    assert [r.values["alias"] for r in rows] == [None, "BD", None]
    assert rows[0].accepted and rows[1].accepted
    assert {(p.code, p.column) for p in rows[2].problems} == {
        ("missing_value", "kategori"), ("missing_value", "berlaku_mulai")}
    assert rows[2].raw["kategori"] is None and rows[2].values["nama_resmi"] == "Badan Tiga"
