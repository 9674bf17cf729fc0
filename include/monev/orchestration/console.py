"""What an operator sees of a run: one line per DAG and task on the terminal, everything
Airflow, Cosmos, dbt and GX say in ``MONEV_HOME/logs/run-<timestamp>.log``.

While a run lasts, this process's stdout and stderr (the file descriptors, so that dbt
and GX are caught too) go to the log file; progress is written to the terminal's stderr
with rich, and the caller prints its summary on stdout once the run is over.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from pathlib import Path

from airflow.sdk._shared.listeners import hookimpl
from airflow.sdk.listener import get_listener_manager
from rich.console import Console

from monev import config


class TaskProgress:
    """An Airflow listener: one line per finished task (dag.test() runs them here)."""

    def __init__(self, console: Console):
        self.console = console
        self.counts = {"success": 0, "failed": 0, "skipped": 0}

    def _line(self, mark: str, style: str, task_instance, note: str = "") -> None:
        self.console.print(f"  [{style}]{mark}[/] {task_instance.dag_id} · "
                           f"{task_instance.task_id}{note}", highlight=False)

    @hookimpl
    def on_task_instance_success(self, previous_state, task_instance):
        self.counts["success"] += 1
        self._line("✓", "green", task_instance)

    @hookimpl
    def on_task_instance_skipped(self, previous_state, task_instance):
        self.counts["skipped"] += 1
        self._line("–", "dim", task_instance, " (skipped)")

    @hookimpl
    def on_task_instance_failed(self, previous_state, task_instance, error):
        self.counts["failed"] += 1
        self._line("✗", "red", task_instance, f": {str(error)[:200]}" if error else "")


class RunConsole:
    """``with RunConsole(quiet, verbose) as run:`` — ``run.dag(name)`` before each DAG;
    ``run.log_file`` names where the rest went. ``verbose`` leaves the output on the
    terminal; ``quiet`` prints no progress."""

    def __init__(self, quiet: bool = False, verbose: bool = False):
        self.quiet, self.verbose = quiet, verbose
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        logs = config.private_dir(config.monev_home() / "logs")
        self.log_file: Path = logs / f"run-{stamp}.log"
        self._saved: list[int] = []
        self.console = Console(stderr=True, quiet=quiet)
        self.progress = TaskProgress(self.console)

    def __enter__(self) -> RunConsole:
        fd = os.open(self.log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if not self.verbose:
            sys.stdout.flush()
            sys.stderr.flush()
            self._saved = [os.dup(1), os.dup(2)]
            self.console = Console(file=os.fdopen(os.dup(self._saved[1]), "w"),
                                   quiet=self.quiet, force_terminal=os.isatty(self._saved[1]))
            self.progress.console = self.console
            os.dup2(fd, 1)
            os.dup2(fd, 2)
        os.close(fd)
        self._handler = logging.FileHandler(self.log_file) if self.verbose else None
        if self._handler:
            logging.getLogger().addHandler(self._handler)
        get_listener_manager().add_listener(self.progress)
        return self

    def dag(self, name: str) -> None:
        self.console.print(f"[bold]{name}[/]", highlight=False)

    def __exit__(self, *exc) -> None:
        manager = get_listener_manager()
        if manager.pm.is_registered(self.progress):
            manager.pm.unregister(self.progress)
        if self._handler:
            logging.getLogger().removeHandler(self._handler)
        if self._saved:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(self._saved[0], 1)
            os.dup2(self._saved[1], 2)
            for fd in self._saved:
                os.close(fd)
            self._saved = []
        self.console.file.flush()
