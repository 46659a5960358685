"""The embedded chain: eth-tester with py-evm in this process. Needs nothing running.

With a journal file it survives restarts, even a SIGKILL: every mined transaction,
faucet payment and time jump is appended (and fsynced) before the caller hears of
it, with the timestamp of its block; on start the journal is replayed onto a chain
with the original genesis time, each transaction into a block with its original
timestamp, so the state (and every date the contracts computed) comes back the same.
Replaying costs ~20 ms a transaction, so every SNAPSHOT_EVERY entries (and on close)
the py-evm database is written whole beside the journal; a start loads the latest
snapshot and replays only the journal entries after it.
"""

from __future__ import annotations

import ast
import json
import os
import pickle
import re
import threading
import time
from pathlib import Path
from typing import Any

from eth.exceptions import HeaderNotFound, VMError
from eth_account import Account
from eth_tester import EthereumTester, PyEVMBackend
from eth_tester.exceptions import TransactionFailed
from eth_typing import ChecksumAddress
from eth_utils import ValidationError as EvmValidationError
from web3 import Web3
from web3.exceptions import ContractLogicError
from web3.providers.eth_tester import EthereumTesterProvider
from web3.types import RPCEndpoint, RPCResponse, TxReceipt

from chain.backends.base import DEV_FUNDING_WEI, ChainBackend, SendRefused
from chain.errors import ChainError

SNAPSHOT_EVERY = 200
_BYTES_LITERAL = re.compile(r"""b(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")$""")


class JournalBroken(ChainError):
    """A journal line py-evm will not replay (two processes wrote one journal, say)."""

    def __init__(self, path: Path, line: int, block: int, cause: Exception) -> None:
        super().__init__(
            f"{path}, line {line}: block {block} cannot be replayed ({type(cause).__name__}: {cause}). "
            f"The chain up to block {block - 1} is whole: `billchain repair-journal --data-dir "
            f"{path.parent}` keeps lines 1-{line - 1} and moves the rest aside, then the gateway starts "
            "on that chain (what came after is lost from it; the outbox and `billchain reindex` say what)"
        )
        self.path, self.line, self.block = path, line, block


def repair_journal(path: Path, line: int) -> Path:
    """Keep the journal's lines before `line`; move the rest to a `.broken-<time>` file beside it. The
    snapshot goes too (it may hold what was cut): the next start replays the journal from its start."""
    lines = path.read_bytes().splitlines(keepends=True)
    aside = path.with_name(f"{path.name}.broken-{int(time.time())}")
    aside.write_bytes(b"".join(lines[line - 1 :]))
    partial = path.with_suffix(".partial")
    partial.write_bytes(b"".join(lines[: line - 1]))
    os.replace(partial, path)
    path.with_suffix(".snapshot").unlink(missing_ok=True)
    return aside


def check_journal(path: Path) -> JournalBroken | None:
    """Replay the journal on a throw-away chain: where it breaks, if it does."""
    try:
        EmbeddedBackend(journal=path, replay_only=True).close()
    except JournalBroken as broken:
        return broken
    return None


class _LockedProvider(EthereumTesterProvider):
    """py-evm is not thread-safe: every request takes the backend's lock."""

    def __init__(self, tester: EthereumTester, lock: threading.RLock) -> None:
        super().__init__(tester)
        self._lock = lock

    def make_request(self, method: RPCEndpoint, params: Any) -> RPCResponse:
        with self._lock:
            return super().make_request(method, params)


class EmbeddedBackend(ChainBackend):
    name = "embedded"
    is_dev = True
    revert_errors = (ContractLogicError, TransactionFailed, VMError)
    fixed_gas_limit = 16_000_000  # the bill registry's deployment (it creates its cash and extension) takes ~10M
    mines_on_send = True
    exclusive = True

    def __init__(self, journal: Path | None = None, replay_only: bool = False) -> None:
        """`replay_only`: read the journal and snapshot, write nothing (a check)."""
        entries = _read_journal(journal, cut_torn_tail=not replay_only) if journal else []
        self._replay_only = replay_only
        genesis = entries[0]["genesis"] if entries else None
        params = PyEVMBackend.generate_genesis_params(overrides={"timestamp": genesis} if genesis else None)
        self._pyevm = PyEVMBackend(genesis_parameters=params)
        self.tester = EthereumTester(self._pyevm)
        #: held by every use of py-evm (requests through web3 and the direct calls below)
        self.lock = threading.RLock()
        super().__init__(Web3(_LockedProvider(self.tester, self.lock)))
        self._faucet = Account.from_key(self._pyevm.account_keys[0])
        # Without a default account web3 asks eth_accounts for a `from` on every call.
        self.w3.eth.default_account = self._faucet.address
        self._journal: Any = None
        self._snapshot_path = journal.with_suffix(".snapshot") if journal else None
        self._entries = self._snapshot_at = len(entries)
        if journal is not None:
            done = self._restore(len(entries)) if entries else 0
            for line, entry in enumerate(entries[max(done, 1) :], start=max(done, 1) + 1):
                try:
                    self._replay(entry)
                except Exception as exc:  # whatever py-evm refuses: the line and block, not a trace
                    raise JournalBroken(journal, line, self.block_number() + 1, exc) from None
            if replay_only:
                return
            journal.parent.mkdir(parents=True, exist_ok=True)
            self._journal = open(journal, "a", encoding="utf-8")  # noqa: SIM115 - held for the backend's life
            if not entries:
                self._append({"genesis": int(self.tester.get_block_by_number("latest")["timestamp"])})

    # --- journal
    def _append(self, entry: dict[str, Any]) -> None:
        if self._journal is None:
            return
        self._journal.write(json.dumps(entry) + "\n")
        self._journal.flush()
        os.fsync(self._journal.fileno())
        self._entries += 1
        if self._entries - self._snapshot_at >= SNAPSHOT_EVERY:
            self._write_snapshot()

    def _write_snapshot(self) -> None:
        """The whole py-evm database and pending header, as of the journal's first `entries` lines."""
        if self._snapshot_path is None:
            return
        chain = self._pyevm.chain
        state = {"entries": self._entries, "kv": chain.chaindb.db.wrapped_db.kv_store, "header": chain.header}
        partial = self._snapshot_path.with_suffix(".partial")
        with open(partial, "wb") as f:
            pickle.dump(state, f, protocol=5)
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, self._snapshot_path)
        self._snapshot_at = self._entries

    def _restore(self, journal_entries: int) -> int:
        """Load the snapshot when the journal covers it; return how many journal entries it holds."""
        if self._snapshot_path is None or not self._snapshot_path.exists():
            return 0
        # Our own file, in the owner-only data dir, written by _write_snapshot.
        state = pickle.loads(self._snapshot_path.read_bytes())
        if state["entries"] > journal_entries:
            return 0
        chain = self._pyevm.chain
        chain.chaindb.db.wrapped_db.kv_store = state["kv"]
        self._pyevm.chain = type(chain)(chain.chaindb.db, header=state["header"])
        return int(state["entries"])

    def _at(self, timestamp: int) -> None:
        """Make the next block carry `timestamp` (as eth-tester's own time travel does)."""
        chain = self._pyevm.chain
        chain.header = chain.header.copy(timestamp=timestamp)

    def _replay(self, entry: dict[str, Any]) -> None:
        if "tx" in entry:
            self._at(entry["ts"])
            self.tester.send_raw_transaction(entry["tx"])
        elif "fund" in entry:
            self._at(entry["ts"])
            self._send_funds(entry["fund"])
        elif "travel" in entry:
            self.tester.time_travel(entry["travel"])

    def send_raw(self, raw: bytes) -> None:
        """Run the transaction at once: mined and journalled if it succeeds; if it reverts, the
        pending block is put back as it was and the revert raised (nothing mined, nothing spent)."""
        with self.lock:
            chain = self._pyevm.chain
            before = chain.header
            transaction = chain.get_vm().get_transaction_builder().decode(raw)
            try:
                _, _, computation = chain.apply_transaction(transaction)
            except EvmValidationError as exc:  # nonce, balance, signature: refused, as a node would
                chain.header = before
                raise SendRefused(str(exc)) from None
            if computation.is_error:
                chain.header = before
                raise computation.error
            self.tester.mine_block()
            self._append({"tx": "0x" + raw.hex(), "ts": self.timestamp()})

    def close(self) -> None:
        with self.lock:
            if self._journal is not None:
                if self._entries > self._snapshot_at:
                    self._write_snapshot()
                self._journal.close()
                self._journal = None

    # --- the backend interface (what py-evm knows is read from it, not through web3's formatting)
    def gas_price(self) -> int:
        # eth-tester answers 1 gwei; the pending block's base fee is what a transaction must cover.
        with self.lock:
            return max(int(self._pyevm.chain.header.base_fee_per_gas) * 2, 1)

    def timestamp(self) -> int:
        with self.lock:
            return int(self._pyevm.chain.get_canonical_head().timestamp)

    def block_number(self) -> int:
        with self.lock:
            return int(self._pyevm.chain.get_canonical_head().block_number)

    def block_timestamp(self, number: int) -> int:
        with self.lock:
            return int(self._pyevm.chain.chaindb.get_canonical_block_header_by_number(number).timestamp)

    def block_receipts(self, number: int) -> list[TxReceipt]:
        """eth-tester has no eth_getBlockReceipts: the block's transactions' receipts, one by one."""
        hashes = self.w3.eth.get_block(number)["transactions"]
        return [self.w3.eth.get_transaction_receipt(tx_hash) for tx_hash in hashes]  # type: ignore[arg-type]

    def call(self, to: str, data: bytes) -> bytes:
        call = {"from": self._faucet.address, "to": to, "data": "0x" + data.hex()}
        with self.lock:
            return bytes.fromhex(str(self.tester.call(call, "latest"))[2:])

    def block_hash(self, number: int) -> str | None:
        with self.lock:
            try:
                return "0x" + bytes(self._pyevm.chain.chaindb.get_canonical_block_hash(number)).hex()
            except HeaderNotFound:
                return None

    def revert_data(self, exc: Exception) -> bytes | str | None:
        # eth-tester wraps py-evm's Revert, whose first argument is the raw revert data; on the
        # eth_call path it hands over only that argument's repr (a Python bytes literal).
        seen: BaseException | None = exc
        while seen is not None:
            first = seen.args[0] if seen.args else None
            if isinstance(first, bytes):
                return first
            if isinstance(first, str) and (literal := _BYTES_LITERAL.search(first)):
                value = ast.literal_eval(literal.group(0))
                if isinstance(value, bytes):
                    return value
            if isinstance(seen, ContractLogicError) and isinstance(seen.data, str):
                return seen.data
            seen = seen.__cause__ or seen.__context__
        return None

    def _send_funds(self, address: str) -> None:
        transfer = {"from": self._faucet.address, "to": address, "value": DEV_FUNDING_WEI, "gas": 21000}
        with self.lock:
            self.tester.send_transaction({**transfer, "gas_price": self.gas_price()})

    def fund(self, address: ChecksumAddress) -> None:
        with self.lock:
            self._send_funds(address)
            self._append({"fund": address, "ts": self.timestamp()})

    def advance_time(self, seconds: int) -> None:
        with self.lock:
            # eth-tester mines the travelling block one second before the target it is given.
            target = self.timestamp() + seconds + 1
            pending = int(self.tester.get_block_by_number("pending")["timestamp"])
            target = max(target, pending + 1)
            self.tester.time_travel(target)
            self._append({"travel": target})

    def snapshot(self) -> Any:
        with self.lock:
            return self.tester.take_snapshot()

    def revert(self, snapshot: Any) -> None:
        with self.lock:
            self.tester.revert_to_snapshot(snapshot)


def _read_journal(path: Path, cut_torn_tail: bool = True) -> list[dict[str, Any]]:
    """The journal's entries; a last line torn by a crash mid-write is cut off the file."""
    if not path.exists():
        return []
    entries: list[dict[str, Any]] = []
    good = 0
    with open(path, "rb") as f:
        for line in f:
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:
                break
            if not line.endswith(b"\n"):
                entries.pop()
                break
            good += len(line)
    if good < path.stat().st_size and cut_torn_tail:
        with open(path, "r+b") as f:
            f.truncate(good)
    return entries
