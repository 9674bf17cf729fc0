"""Form records of the KoboToolbox API as rows: typed values, problems, payload hash.

Form fields arrive as strings keyed by group path; an unanswered question is absent, and
an empty string is treated the same. Numbers use ``.`` as the decimal mark (the form sends
them that way); dates are ISO, though the workbook forms are tolerated too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from decimal import Decimal

from monev.sources.tables import Column, ParsedRow, Problem, validate
from monev.sources.values import (
    NUL,
    Unparseable,
    clean_text,
    is_blank,
    parse_date,
    parse_semester,
    storable,
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


def canonical_json(record: dict) -> str:
    """The whole record as JSON, keys sorted: what ``raw_values`` keeps (a jsonb, which
    does not keep key order anyway) and what the payload hash is taken of."""
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def payload_hash(canonical: str) -> str:
    """Identity of a version: the hash of the canonical record (an edit or review changes
    it)."""
    return hashlib.sha256(canonical.encode()).hexdigest()


class RecordUnreadable(ValueError):
    """A record that cannot be stored at all (not an object, no usable ``_id``)."""

    def __init__(self, problem: Problem):
        super().__init__(problem.code)
        self.problem = problem


def record_id(record: object) -> int:
    """The record's ``_id``: its identity, without which nothing of it can be kept."""
    if not isinstance(record, dict):
        raise RecordUnreadable(Problem("missing_value", "_id", str(record)[:200],
                                       "the record is not an object"))
    value = record.get("_id")
    if is_blank(value):
        raise RecordUnreadable(Problem("missing_value", "_id", None, "the record has no _id"))
    if isinstance(value, bool) or not re.fullmatch(r"[0-9]{1,18}", str(value).strip()):
        raise RecordUnreadable(Problem("not_an_integer", "_id", str(value)[:200]))
    return int(str(value).strip())


def submission_time(record: dict) -> dt.datetime | None:
    """``_submission_time`` is UTC written without an offset."""
    text = record.get("_submission_time")
    if not text:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        raise Unparseable("unparseable_date", text) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def validation_status(record: dict) -> str | None:
    status = record.get("_validation_status") or {}
    return _text(status.get("uid")) if isinstance(status, dict) else None


def _text(value: object) -> str | None:
    """A system field as text, whatever type the API sent it as."""
    return None if value is None else str(value)


def bukti(record: dict) -> list[str]:
    """The evidence links of the ``bukti`` repeat group."""
    items = record.get("bukti")
    links = []
    for item in items if isinstance(items, list) else []:
        link = item.get("bukti/tautan") if isinstance(item, dict) else None
        if not is_blank(link):
            links.append(str(link).strip())
    return links


def _storable(value: object, found: list[str]) -> object:
    """The value as jsonb can hold it, with the reason code of each part it could not
    hold as sent added to ``found``: a NUL (kept as U+FFFD, see :func:`storable`) or a
    number that is not finite (kept as its text, ``nan``, ``inf``; not JSON, but the API
    client's parser lets ``NaN`` and ``Infinity`` through)."""
    if isinstance(value, str):
        if NUL in value:
            found.append("nul_character")
        return storable(value)
    if isinstance(value, float) and not math.isfinite(value):
        found.append("unparseable_number")
        return repr(value)
    if isinstance(value, dict):
        return {_storable(k, found): _storable(v, found) for k, v in value.items()}
    if isinstance(value, list):
        return [_storable(v, found) for v in value]
    return value


def parse_record(record: object) -> ParsedRow:
    """One record as a row of ``raw.kobo_record`` (``values``) and its problems; raises
    :class:`RecordUnreadable` for a record that has no identity to store it under.

    A value PostgreSQL cannot store (a NUL; ``NaN`` or ``Infinity``) quarantines the
    record: a column holding one is empty, ``raw_values`` shows U+FFFD or the number's
    text in its place, and the payload hash is of the record as sent."""
    kobo_id = record_id(record)
    cells = {c.key: record.get(c.header) for c in FORM_COLUMNS}
    _, values, problems = validate(cells, FORM_COLUMNS)
    canonical = canonical_json(record)
    version_hash = payload_hash(canonical)
    # how json.dumps writes a NUL and those numbers (the text can hold them too: harmless)
    if "\\u0000" in canonical or "NaN" in canonical or "Infinity" in canonical:
        headers = {c.header for c in FORM_COLUMNS}  # validate() named those already
        stored = {}
        for key, value in record.items():
            found = []
            stored[_storable(key, found)] = _storable(value, found)
            if found and key not in headers:
                problems.append(Problem(found[0], storable(key)))
        record, canonical = stored, canonical_json(stored)
    try:
        received = submission_time(record)
    except Unparseable as exc:
        received = None
        problems.append(Problem(exc.code, "_submission_time", str(exc.value)[:200]))
    values |= {
        "raw_values": canonical,
        "kobo_id": kobo_id,
        "uuid": _text(record.get("_uuid")),
        "root_uuid": _text(record.get("meta/rootUuid")),
        "submission_time": received,
        "validation_status": validation_status(record),
        "payload_hash": version_hash,
        "bukti": json.dumps(bukti(record), ensure_ascii=False),
    }
    return ParsedRow("results", 0, record, values, problems)
