"""Node processes this process starts: they die with it, and only one runs per state file.

A node the gateway starts (anvil, a geth of a local network) must never outlive it:
an orphan keeps its state file open, and whichever process stops last overwrites
what the other wrote. So a child is started in its own process group with
PR_SET_PDEATHSIG (Linux): when its parent dies, however it dies (SIGKILL
included), the kernel sends the child SIGTERM, on which anvil and geth write
their state and exit. A pid file beside the state names the child; a start finds
a leftover one (alive, and still the same program) and stops it first, waiting
for it to write its state, so that two nodes never run on one state.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

PR_SET_PDEATHSIG = 1
STOP_TIMEOUT_S = 20.0


def _die_with_parent(parent: int) -> None:
    """Runs in the child between fork and exec: SIGTERM when the parent dies, and a parent that
    died before this line ran (a SIGKILL in that instant) is seen at once."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:
        os._exit(1)


def spawn(cmd: Sequence[str], log: IO[bytes], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start `cmd` in its own process group, bound to die (SIGTERM) with this process.

    The kernel's bond is to the thread that forks, not the process: started from another thread
    (a test's worker thread), the child would be stopped when that thread ends, so there it is
    not bound, and only the pid file finds it if it is left behind."""
    parent = os.getpid()
    bound = sys.platform.startswith("linux") and threading.current_thread() is threading.main_thread()
    preexec = (lambda: _die_with_parent(parent)) if bound else None
    return subprocess.Popen(
        list(cmd),
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,  # its own group: a terminal's Ctrl-C reaches the gateway, which stops it
        preexec_fn=preexec,
    )


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):  # a zombie has exited: only its entry is left
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    return True


def cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def stop(pid: int, timeout: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM (the node writes its state), then wait; SIGKILL only past `timeout`."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        while alive(pid):
            time.sleep(0.05)


class PidFile:
    """`<name>.pid` beside a node's state: which process runs on that state, and how it was started."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> dict[str, Any] | None:
        try:
            found: dict[str, Any] = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return None
        return found

    def write(self, pid: int, **facts: Any) -> None:
        self.path.write_text(json.dumps({"pid": pid, **facts}) + "\n")

    def clear(self, pid: int) -> None:
        found = self.read()
        if found is not None and found.get("pid") == pid:
            self.path.unlink(missing_ok=True)

    def stop_leftover(self, program: str) -> int | None:
        """Stop a process a dead owner left on this state (it writes its state first); return its pid."""
        found = self.read()
        if found is None:
            return None
        pid = int(found.get("pid", 0))
        if pid > 0 and alive(pid) and any(program in part for part in cmdline(pid)):
            stop(pid)
            self.path.unlink(missing_ok=True)
            return pid
        self.path.unlink(missing_ok=True)
        return None
