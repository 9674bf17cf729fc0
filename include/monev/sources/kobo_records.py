"""Form records of the KoboToolbox API as rows: typed values, problems, payload hash.

Form fields arrive as strings keyed by group path; an unanswered question is absent, and
an empty string is treated the same. Numbers use ``.`` as the decimal mark (the form sends
them that way); dates are ISO, though the workbook forms are tolerated too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from decimal import Decimal

from monev.sources.tables import Column, ParsedRow, validate
from monev.sources.values import (
    Unparseable,
    clean_text,
    is_blank,
    parse_date,
    parse_semester,
)

_FORM_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def parse_form_number(value: object) -> Decimal | None:
    if is_blank(value):
        return None
    text = str(value).strip()
    if not _FORM_NUMBER.fullmatch(text):
        raise Unparseable("unparseable_number", value)
    return Decimal(text)


def parse_form_non_negative(value: object) -> Decimal | None:
    number = parse_form_number(value)
    if number is not None and number < 0:
        raise Unparseable("negative_number", value)
    return number


def parse_form_integer(value: object) -> int | None:
    number = parse_form_number(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise Unparseable("not_an_integer", value)
    return int(number)


# key in raw.kobo_record, form path, parser, required
FORM_COLUMNS = [
    Column("nomor_perjanjian", "identitas/nomor_perjanjian", clean_text),
    Column("tahun", "identitas/tahun", parse_form_integer),
    Column("semester", "identitas/semester", parse_semester),
    Column("no_rencana_aksi", "kegiatan/no_rencana_aksi", parse_form_integer, required=True),
    Column("tanggal_kegiatan", "kegiatan/tanggal", parse_date, required=True),
    Column("uraian_kegiatan", "kegiatan/uraian", clean_text),
    Column("provinsi", "kegiatan/provinsi", clean_text),
    Column("kabupaten_kota", "kegiatan/kabupaten_kota", clean_text),
    Column("capaian", "kegiatan/capaian", parse_form_non_negative, required=True),
    Column("jumlah_peserta", "kegiatan/jumlah_peserta", parse_form_non_negative),
    Column("realisasi_anggaran", "kegiatan/anggaran", parse_form_non_negative),
    Column("kendala", "kegiatan/kendala", clean_text),
    Column("tindak_lanjut", "kegiatan/tindak_lanjut", clean_text),
]


def payload_hash(record: dict) -> str:
    """Identity of a version: the whole record, keys sorted (an edit or review changes it)."""
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def submission_time(record: dict) -> dt.datetime | None:
    """``_submission_time`` is UTC written without an offset."""
    text = record.get("_submission_time")
    if not text:
        return None
    parsed = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def validation_status(record: dict) -> str | None:
    status = record.get("_validation_status") or {}
    return status.get("uid") if isinstance(status, dict) else None


def bukti(record: dict) -> list[str]:
    """The evidence links of the ``bukti`` repeat group."""
    links = []
    for item in record.get("bukti") or []:
        link = item.get("bukti/tautan") if isinstance(item, dict) else None
        if not is_blank(link):
            links.append(str(link).strip())
    return links


def parse_record(record: dict) -> ParsedRow:
    """One record as a row of ``raw.kobo_record`` (``values``) and its problems."""
    cells = {c.key: record.get(c.header) for c in FORM_COLUMNS}
    _, values, problems = validate(cells, FORM_COLUMNS)
    values |= {
        "kobo_id": int(record["_id"]),
        "uuid": record.get("_uuid"),
        "root_uuid": record.get("meta/rootUuid"),
        "submission_time": submission_time(record),
        "validation_status": validation_status(record),
        "payload_hash": payload_hash(record),
        "bukti": json.dumps(bukti(record), ensure_ascii=False),
    }
    return ParsedRow("results", 0, record, values, problems)
