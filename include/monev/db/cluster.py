"""An embedded PostgreSQL cluster under ``MONEV_HOME``.

PostgreSQL refuses to run as root, so as root every server command runs as an
unprivileged OS user (``postgres`` if it exists, else a system user ``monev`` created on
demand). When that user cannot reach ``MONEV_HOME`` (e.g. a checkout in a mode-700
home folder), the cluster lives in ``/var/tmp/monev-<hash>/`` instead and
``MONEV_HOME/postgres.json`` says where.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import secrets
import shutil
import socket
import stat
import subprocess
import tempfile
from pathlib import Path

from monev.config import ALL_ROLES, APP_DATABASES, OWNER_ROLE
from monev.db.bootstrap import bootstrap
from monev.db.endpoints import Endpoint

HOST = "127.0.0.1"


class ClusterError(RuntimeError):
    pass


def pg_bin(tool: str) -> str:
    """``PG_BIN/tool`` if ``PG_BIN`` is set, else the tool on ``PATH``, else Debian's place."""
    if os.environ.get("PG_BIN"):
        return str(Path(os.environ["PG_BIN"]) / tool)
    found = shutil.which(tool)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{tool}"), reverse=True):
        return str(candidate)
    raise ClusterError(f"{tool} not found: put PostgreSQL's bin folder on PATH or set PG_BIN")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _port_free(port: int) -> bool:
    """Whether a server could listen on ``port`` now. Like PostgreSQL itself, with
    SO_REUSEADDR: connections of the last run lingering in TIME_WAIT do not count, so a
    restart keeps its port (and everything that names it: Airflow, BI, lineage)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
        return True


def _server_user() -> str | None:
    """The OS user that runs the server: None when we are not root."""
    if os.geteuid() != 0:
        return None
    wanted = os.environ.get("MONEV_PG_OS_USER")
    for name in ([wanted] if wanted else ["postgres", "monev"]):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    name = wanted or "monev"
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    name], check=True)
    return name


def _private_folder(path: Path, user: str) -> None:
    """A folder only ``user`` may use, in a place others can write to (/var/tmp): made
    new, or, if it exists, a real folder (never a link) that root or ``user`` owns; its
    owner is changed without following links."""
    account = pwd.getpwnam(user)
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        st = os.lstat(path)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid not in (0, account.pw_uid):
            raise ClusterError(f"{path} exists but is not a folder of root or {user} (a link "
                               "or another user's): remove it and start again") from None
    os.chown(path, account.pw_uid, account.pw_gid, follow_symlinks=False)
    os.chmod(path, 0o700, follow_symlinks=False)


class EmbeddedPostgres:
    """Start, stop and describe the cluster of one ``MONEV_HOME``."""

    def __init__(self, home: Path):
        self.home = Path(home)
        self.state_file = self.home / "postgres.json"
        self.secrets_file = self.home / "secrets.json"

    # -- state -------------------------------------------------------------------------
    def _state(self) -> dict:
        if self.state_file.exists():
            return json.loads(self.state_file.read_text())
        return {}

    def _save_state(self, state: dict) -> None:
        self.state_file.write_text(json.dumps(state, indent=2) + "\n")

    def _secrets(self) -> dict[str, str]:
        """One password per role, kept 0600 in ``MONEV_HOME``; a role added by a later
        version of monev gets its password here too."""
        stored = json.loads(self.secrets_file.read_text()) if self.secrets_file.exists() else {}
        missing = [role for role in ALL_ROLES if role not in stored]
        if missing:
            stored |= {role: secrets.token_urlsafe(24) for role in missing}
            fd = os.open(self.secrets_file.with_suffix(".tmp"),
                         os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                json.dump(stored, f, indent=2)
            os.replace(self.secrets_file.with_suffix(".tmp"), self.secrets_file)
        return stored

    @property
    def root(self) -> Path:
        """Folder holding ``data/`` and the server log (owned by the server user)."""
        return Path(self._state().get("root") or self.home / "postgres")

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "postgres.log"

    # -- running commands as the server user --------------------------------------------
    def _run(self, args: list[str], user: str | None, check: bool = True,
             ) -> subprocess.CompletedProcess:
        cmd = (["runuser", "-u", user, "--"] if user else []) + args
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd="/")
        if check and proc.returncode != 0:
            raise ClusterError(f"{' '.join(args[:2])} failed ({proc.returncode}):\n"
                               f"{proc.stdout}{proc.stderr}")
        return proc

    def _choose_root(self, user: str | None) -> Path:
        """``MONEV_HOME/postgres`` if the server user can work there, else under /var/tmp."""
        preferred = self.home / "postgres"
        preferred.mkdir(mode=0o700, exist_ok=True)
        if user is None:
            return preferred
        shutil.chown(preferred, user)
        if self._run(["test", "-w", str(preferred), "-a", "-x", str(preferred)], user,
                     check=False).returncode == 0:
            return preferred
        preferred.rmdir()
        digest = hashlib.sha256(str(self.home).encode()).hexdigest()[:12]
        base = Path("/var/tmp") / f"monev-{digest}"
        _private_folder(base, user)
        _private_folder(base / "postgres", user)
        return base / "postgres"

    # -- lifecycle ----------------------------------------------------------------------
    def initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def _init(self) -> None:
        user = _server_user()
        root = self._choose_root(user)
        state = {"root": str(root), "os_user": user, "port": _free_port()}
        self._save_state(state)
        owner_password = self._secrets()[OWNER_ROLE]
        with tempfile.NamedTemporaryFile("w", delete=False, prefix="monev-pw-") as f:
            f.write(owner_password + "\n")
            pwfile = f.name
        try:
            if user:
                shutil.chown(pwfile, user)
            self._run([pg_bin("initdb"), "-D", str(self.data_dir), "-U", OWNER_ROLE,
                       "--pwfile", pwfile, "--auth-host=scram-sha-256",
                       "--auth-local=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"], user)
        finally:
            os.unlink(pwfile)
        with open(self.data_dir / "postgresql.conf", "a") as conf:
            conf.write("\n# monev embedded cluster\n"
                       f"listen_addresses = '{HOST}'\n"
                       "unix_socket_directories = ''\n"
                       "timezone = 'UTC'\n"
                       "max_connections = 200\n"
                       "shared_buffers = 256MB\n"
                       "work_mem = 32MB\n"
                       "fsync = on\n")

    def running(self) -> bool:
        if not self.initialised():
            return False
        proc = self._run([pg_bin("pg_ctl"), "status", "-D", str(self.data_dir)],
                         self._state().get("os_user"), check=False)
        return proc.returncode == 0

    def start(self) -> Endpoint:
        """Initialise if needed, start if stopped, create roles and databases: idempotent."""
        if not self.initialised():
            self._init()
        state = self._state()
        if not self.running():
            if not _port_free(state["port"]):
                state["port"] = _free_port()
                self._save_state(state)
            self._run([pg_bin("pg_ctl"), "start", "-w", "-t", "60", "-D", str(self.data_dir),
                       "-l", str(self.log_file), "-o", f"-p {state['port']}"],
                      state.get("os_user"))
        endpoint = self.endpoint()
        bootstrap(endpoint)
        return endpoint

    def stop(self) -> None:
        if self.running():
            self._run([pg_bin("pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.data_dir)],
                      self._state().get("os_user"))

    def remove(self) -> None:
        """Stop the cluster and delete its files (also a /var/tmp fallback folder)."""
        self.stop()
        root = self.root
        shutil.rmtree(root, ignore_errors=True)
        if root.parent.name.startswith("monev-") and root.parent.parent == Path("/var/tmp"):
            shutil.rmtree(root.parent, ignore_errors=True)
        self.state_file.unlink(missing_ok=True)

    def endpoint(self) -> Endpoint:
        state = self._state()
        if "port" not in state:
            raise ClusterError(f"no embedded database under {self.home}: run `monev db start`")
        return Endpoint(host=HOST, port=state["port"], passwords=self._secrets(), embedded=True)

    def status(self) -> dict:
        state = self._state()
        return {
            "monev_home": str(self.home),
            "cluster": str(self.root),
            "initialised": self.initialised(),
            "running": self.running(),
            "port": state.get("port"),
            "os_user": state.get("os_user"),
            "databases": [name for name, _ in APP_DATABASES],
        }
