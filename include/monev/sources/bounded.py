"""Reading untrusted files within limits: what a file may cost is checked before any
parser sees it, and parsers run in child processes that a bad file can kill without
taking the run down with it.

1. :func:`check_limits` reads the zip directory, then each worksheet's ``<dimension>``
   (or, without one, streams the sheet's XML for the largest row and column any cell
   names; never more than ``max_uncompressed_bytes``): a stray cell at ``XFD1048576`` or
   a million-row sheet is refused here, before the reader would ask for its whole range.
2. :class:`ParserPool` checks and parses in ``workers`` processes of their own (the check
   first, then the parser), each with an address-space limit and, per file, an alarm that
   ends the process after ``seconds``.
   A process reads one file at a time, so one that dies (out of memory, abort, alarm)
   names its file, which is refused with ``parser_crashed`` or ``parser_timeout``; a new
   process takes its place and the run goes on.
"""

from __future__ import annotations

import dataclasses
import importlib
import io
import json
import pickle
import re
import resource
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from monev import config
from monev.sources.workbook import UnreadableFile

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one drop file may cost. The defaults are far above any real partner file
    (a workbook is tens of KB, a register a few thousand rows)."""

    max_file_bytes: int = 50 * MIB
    max_uncompressed_bytes: int = 200 * MIB
    max_rows: int = 200_000
    max_columns: int = 200
    memory_bytes: int = 1024 * MIB  # address space of one parsing process
    seconds: int = 120  # one file's parse


DEFAULT_LIMITS = Limits()
CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]+[0-9]+:)?([A-Z]{1,3})([0-9]{1,7})"')


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _check_extent(sheet: str, letters: bytes, row: bytes, limits: Limits) -> None:
    if int(row) > limits.max_rows:
        raise UnreadableFile("sheet_too_large", f"{sheet} reaches row {int(row):,}; at most "
                             f"{limits.max_rows:,} rows are read")
    if _column_number(letters) > limits.max_columns:
        raise UnreadableFile("sheet_too_large", f"{sheet} reaches column {letters.decode()}; at"
                             f" most {limits.max_columns} columns are read")


def check_limits(data: bytes, is_workbook: bool, limits: Limits) -> None:
    """Raise :class:`UnreadableFile` when a file would cost more than ``limits``."""
    if len(data) > limits.max_file_bytes:
        raise UnreadableFile("file_too_large", f"{len(data):,} bytes; at most "
                             f"{limits.max_file_bytes:,} are read")
    if not is_workbook:
        lines = data.count(b"\n")
        if lines > limits.max_rows:
            raise UnreadableFile("sheet_too_large", f"{lines:,} lines; at most "
                                 f"{limits.max_rows:,} rows are read")
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a zip: the reader says so (not_a_workbook)
    declared = sum(m.file_size for m in members)
    if declared > limits.max_uncompressed_bytes:
        raise UnreadableFile("file_too_large", f"unpacks to {declared:,} bytes; at most "
                             f"{limits.max_uncompressed_bytes:,} are read")
    budget = limits.max_uncompressed_bytes  # the declared sizes may lie: count what unpacks
    for member in members:
        if not member.filename.startswith("xl/worksheets/") or member.is_dir():
            continue
        sheet = member.filename.rsplit("/", 1)[-1]
        tail = b""
        try:
            with archive.open(member) as stream:
                head = stream.read(4096)
                budget -= len(head)
                dimension = DIMENSION.search(head)
                if dimension:  # what the writer says the sheet spans; cells beyond it
                    _check_extent(sheet, *dimension.groups(), limits)  # are the parser's,
                    continue  # in its bounded process
                tail = head
                while chunk := stream.read(MIB):
                    budget -= len(chunk)
                    if budget < 0:
                        raise UnreadableFile("file_too_large", "unpacks to more than "
                                             f"{limits.max_uncompressed_bytes:,} bytes")
                    text = tail + chunk
                    for match in DIMENSION.finditer(text):
                        _check_extent(sheet, *match.groups(), limits)
                    for match in CELL_REF.finditer(text):
                        _check_extent(sheet, *match.groups(), limits)
                    tail = text[-64:]
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError):
            return  # a damaged member: the reader says so


# -- parsing in child processes ------------------------------------------------------------
def parse_by_kind(kind: str, data: bytes):
    """The default parse: the parser of the file's kind (sources/parsers.py)."""
    from monev.sources.parsers import PARSERS

    return PARSERS[kind](data)


@dataclass
class Job:
    """One file to parse (``kind`` None: nothing to parse); ``key`` is the caller's.
    The pool empties ``data`` once it has sent it to a parsing process."""

    key: object
    kind: str | None
    data: bytes


class _Worker:
    """One parsing process (``python -m monev.sources.bounded``), one file at a time:
    pickled ``(kind, data)`` in on stdin, the pickled result out on stdout."""

    def __init__(self, limits: Limits, parse: str):
        self.limits = limits
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "monev.sources.bounded", parse,
             json.dumps(dataclasses.asdict(limits))],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=config.python_child_env())

    def send(self, job: Job) -> None:
        pickle.dump((job.kind, job.data), self.proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self.proc.stdin.flush()

    def receive(self):
        """The result, or None when the process died with the file."""
        try:
            return pickle.load(self.proc.stdout)
        except (EOFError, pickle.UnpicklingError):
            return None

    def death(self) -> UnreadableFile:
        code = self.proc.wait()
        if code == -signal.SIGALRM:
            return UnreadableFile("parser_timeout", f"reading took longer than "
                                  f"{self.limits.seconds} s")
        return UnreadableFile("parser_crashed", f"the reader stopped (exit code {code}); the "
                              "file is damaged or too large to read")

    def close(self) -> None:
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class ParserPool:
    """Parse many files in ``workers`` bounded processes, yielding ``(job, result)`` in the
    order given; a result is a parsed file, an :class:`UnreadableFile`, or None for a job
    with nothing to parse. A process that dies costs only the file it was reading.

    Each process holds one file at a time, so ``workers`` is also how many files are parsed
    ahead while the caller writes (four measured slower than two on two cores). Memory is
    bounded by ``workers`` × ``limits.memory_bytes``."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS, workers: int = 2,
                 parse: str = "monev.sources.bounded:parse_by_kind"):
        self.limits, self.parse = limits, parse
        self._workers: list[_Worker | None] = [None] * workers

    def __enter__(self) -> ParserPool:
        return self

    def __exit__(self, *_) -> None:
        for worker in self._workers:
            if worker is not None:
                worker.close()
        self._workers = [None] * len(self._workers)

    def map(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, object]]:
        in_flight: list[tuple[Job, int | None]] = []  # (job, worker slot) in order
        for job in jobs:
            if len(in_flight) == len(self._workers):
                yield self._collect(*in_flight.pop(0))
            slot = None
            if job.kind is not None:
                busy = {s for _, s in in_flight}
                slot = next(s for s in range(len(self._workers)) if s not in busy)
                self._worker(slot).send(job)
                job.data = b""  # sent: held no longer than the parse
            in_flight.append((job, slot))
        while in_flight:
            yield self._collect(*in_flight.pop(0))

    def _worker(self, slot: int) -> _Worker:
        if self._workers[slot] is None:
            self._workers[slot] = _Worker(self.limits, self.parse)
        return self._workers[slot]

    def _collect(self, job: Job, slot: int | None) -> tuple[Job, object]:
        if slot is None:
            return job, None
        worker = self._workers[slot]
        result = worker.receive()
        if result is None:  # it died reading this file: a new one takes its place
            result = worker.death()
            self._workers[slot] = None
        return job, result


TEXT_KINDS = {"partner_master"}  # kinds that are CSV text, not zipped workbooks


def _serve(parse_ref: str, limits: Limits) -> None:
    """The parsing process: limits first, then one file after another until stdin ends,
    each checked against the limits before the parser sees it."""
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # an alarm ends the process
    module, name = parse_ref.split(":")
    parse = getattr(importlib.import_module(module), name)
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a parser that prints must not corrupt the results
    while True:
        try:
            kind, data = pickle.load(source)
        except EOFError:
            return
        signal.alarm(limits.seconds)
        try:
            check_limits(data, kind not in TEXT_KINDS, limits)
            result = parse(kind, data)
        except UnreadableFile as exc:
            result = exc
        except MemoryError:
            result = UnreadableFile("parser_crashed", "the file needs more memory than a "
                                    "parser is given")
        signal.alarm(0)
        pickle.dump(result, sink, protocol=pickle.HIGHEST_PROTOCOL)
        sink.flush()


if __name__ == "__main__":
    _serve(sys.argv[1], Limits(**json.loads(sys.argv[2])))
