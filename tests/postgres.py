"""A throwaway PostgreSQL cluster for the tests: `initdb` in a temporary folder, a server on a free
loopback port, removed at the end. From Debian's packages (`make setup` installs them when missing).

PostgreSQL refuses to run as root: as root (CI), the cluster belongs to the `postgres` user the Debian
package creates, and its programs run as that user (`runuser`).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

USER = "billchain"


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl: Debian keeps them out of PATH, under /usr/lib/postgresql/N/bin."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextmanager
def cluster() -> Iterator[str]:
    """A running server; yields its URL without a database name (`<url>/<db>`)."""
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError("no PostgreSQL here: `make setup` installs Debian's postgresql")
    root = Path(tempfile.mkdtemp(prefix="billchain-pg-"))
    data = root / "data"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(data, "postgres")
    port = _free_port()
    initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", USER, "-A", "trust", "--no-sync", "-E", "UTF8"]
    subprocess.run(_as_owner(initdb), check=True, capture_output=True)
    options = f"-p {port} -h 127.0.0.1 -k {root} -c fsync=off -c full_page_writes=off -c max_connections=200"
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "server.log")]
    subprocess.run(_as_owner([*pg_ctl, "-o", options, "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://{USER}@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_owner([*pg_ctl, "-m", "immediate", "stop"]), check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def new_database(server: str) -> str:
    """A fresh, empty database on the server; its SQLAlchemy URL."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.replace("postgresql+psycopg", "postgresql") + "/postgres", autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"
