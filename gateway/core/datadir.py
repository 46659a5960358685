"""One process per data dir: an exclusive lock, taken before anything in it is read or written.

Two gateways on one data dir would each run their own chain (or their own view
of it) and write the same journal, index and keys: the data dir would be
corrupted for good. The lock is `flock` on `<data-dir>/lock`, so the kernel
releases it when its holder dies, however it dies; the file names the holder
(pid, port, chain) for the message the second process exits with.
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any


class DataDirBusy(RuntimeError):
    """Another process holds the data dir."""

    def __init__(self, data_dir: Path, holder: dict[str, Any]) -> None:
        pid, port = holder.get("pid", "?"), holder.get("port")
        where = f" serving on port {port}" if port else ""
        what = holder.get("command", "a billchain process")
        super().__init__(
            f"{data_dir} is in use by {what} (pid {pid}{where}, since {holder.get('since', '?')}): "
            "one process per data dir. Stop it, or give this one another --data-dir."
        )
        self.holder = holder


class DataDirLock:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = data_dir / "lock"
        self._file: IO[str] | None = None

    def acquire(self, command: str, port: int | None = None, chain: str | None = None) -> DataDirLock:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            try:
                holder: dict[str, Any] = json.loads(handle.read() or "{}")
            except ValueError:
                holder = {}
            handle.close()
            raise DataDirBusy(self.data_dir, holder) from None
        facts = {
            "pid": os.getpid(),
            "command": command,
            "port": port,
            "chain": chain,
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(facts) + "\n")
        handle.flush()
        self._file = handle
        return self

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None
