"""The chain's own limit: endorse requests and signs, signed in advance, sent straight to the node.

A lane is one holder, one receiver and one bill the holder holds whole. An
operation is one transaction: the holder's endorse request of the next 0.01 to the
receiver (it splits the range), or the receiver's sign of it. All endorse requests
of every lane are signed first and then sent with `eth_sendRawTransaction` as fast
as the node takes them, round-robin over the lanes; once all are mined, the signs
(which need the transfer ids the requests created) are signed and sent the same way.
The rate is all operations over the time from the first send to the last receipt,
signing left out: what the node does, with no gateway in front.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
from eth_account import Account
from eth_account.signers.local import LocalAccount
from hexbytes import HexBytes
from web3.types import Nonce, TxParams, TxReceipt

from chain.backends.base import ChainBackend
from chain.backends.rpc import RpcBackend
from chain.deploy import System
from chain.model import ZERO_HASH, BillKind, Role, day_number, shanghai_date
from chain.relay import batch_of, sign_typed
from chain.tx import EncodedCall

LANE_BILL_FEN = 10_000_000  # 100,000.00: room for that many 0.01 endorsements
MATURITY_DAYS = 180
SEND_BATCH = 100
SEND_BYTES = 512 * 1024  # raw bytes per JSON-RPC request (hex doubles them)
BATCH_GAS_PER_OPERATION = 250_000  # the gas a batch is sent with, per operation: above any endorse or sign


@dataclass
class Lane:
    holder: LocalAccount
    receiver: LocalAccount
    bill_id: int
    start: int  # the holder's range of the bill starts here


@dataclass(frozen=True)
class RawResult:
    operations: int
    seconds: float
    gas: dict[str, int]  # mean gas per operation

    @property
    def ops_per_s(self) -> float:
        return self.operations / self.seconds


#: lanes made at once: on a chain with 1 s blocks, one after another took about ten seconds a lane
LANE_SETUP_THREADS = 32


def prepare_lanes(system: System, operator: LocalAccount, count: int) -> list[Lane]:
    """`count` lanes on `system`, with fresh in-memory keys (a benchmark keeps none), LANE_SETUP_THREADS at a
    time (each signer's nonces are taken under its lock: chain/nonces.py)."""
    backend = system.backend
    bank, drawer = Account.create(), Account.create()
    for account, role in ((bank, Role.BANK), (drawer, Role.ENTERPRISE)):
        backend.fund(account.address)
        system.registry.register(operator, account.address, role)
    maturity = day_number(shanghai_date(backend.timestamp())) + MATURITY_DAYS

    def lane(_index: int) -> Lane:
        holder, receiver = Account.create(), Account.create()
        for account in (holder, receiver):
            backend.fund(account.address)
            system.registry.register(operator, account.address, Role.ENTERPRISE)
        bill_id, _ = system.bills.issue(
            drawer,
            kind=BillKind.BANK_ACCEPTANCE,
            acceptor=bank.address,
            payee=holder.address,
            amount=LANE_BILL_FEN,
            maturity_day=maturity,
        )
        system.bills.accept(bank, bill_id)
        system.bills.receive(holder, bill_id)
        return Lane(holder, receiver, bill_id, 1)

    with ThreadPoolExecutor(min(LANE_SETUP_THREADS, count)) as pool:
        return list(pool.map(lane, range(count)))


def raw_rate(system: System, lanes: list[Lane], operations: int) -> RawResult:
    """Send `operations` (half endorse requests, half signs) over `lanes`; see the module's doc."""
    per_lane = max(1, operations // (2 * len(lanes)))
    bills = system.bills

    def endorse(lane: Lane, j: int) -> tuple[LocalAccount, EncodedCall]:
        return lane.holder, bills.encode(
            "endorse", lane.bill_id, lane.start + j, 1, lane.receiver.address, ZERO_HASH, False
        )

    endorsed, endorse_s = _send_all(system, lanes, per_lane, endorse)
    transfer_ids = {
        bytes(r["transactionHash"]): bills.events_in(r, "TransferRequested")[0]["args"]["transferId"] for r in endorsed
    }
    order = iter([transfer_ids[bytes(r["transactionHash"])] for r in endorsed])
    requested = {(lane_i, j): next(order) for j in range(per_lane) for lane_i in range(len(lanes))}

    def sign(lane: Lane, j: int) -> tuple[LocalAccount, EncodedCall]:
        return lane.receiver, bills.encode("sign", requested[(lanes.index(lane), j)])

    signed, sign_s = _send_all(system, lanes, per_lane, sign)
    for lane in lanes:
        lane.start += per_lane
    gas = {
        "endorse": sum(int(r["gasUsed"]) for r in endorsed) // len(endorsed),
        "sign": sum(int(r["gasUsed"]) for r in signed) // len(signed),
    }
    return RawResult(len(endorsed) + len(signed), endorse_s + sign_s, gas)


#: how often the watcher of `waiting_rate` asks the node for its head (seconds)
HEAD_POLL = 0.02


class ReceiptWatcher:
    """One thread that watches the node's head for every waiting client and, on each new block, reads the
    waiting transactions' receipts: what a client polling for its own receipt sees, without as many pollers
    loading the node (which shares the machine's two cores)."""

    def __init__(self, backend: ChainBackend) -> None:
        self.backend = backend
        self._waiting: dict[bytes, TxReceipt | None] = {}
        self._failed: BaseException | None = None  # what stopped the watcher: raised in every waiting client
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="receipts", daemon=True)

    def __enter__(self) -> ReceiptWatcher:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def expect(self, tx_hash: bytes) -> None:
        """Watch for the transaction's receipt: before it is sent (so the block that mines it is read for it)."""
        with self._changed:
            self._waiting[tx_hash] = None

    def wait(self, tx_hash: bytes) -> TxReceipt:
        """The expected transaction's receipt, once a new head has it; raises if it reverted."""
        with self._changed:
            while (receipt := self._waiting[tx_hash]) is None:
                if self._failed is not None:
                    raise RuntimeError("the receipt watcher stopped") from self._failed
                self._changed.wait()
            del self._waiting[tx_hash]
        return _succeeded([receipt])[0]

    def _watch(self) -> None:
        try:
            self._follow()
        except BaseException as exc:  # the node went away: every client waiting hears of it
            with self._changed:
                self._failed = exc
                self._changed.notify_all()
            raise

    def _follow(self) -> None:
        head = -1
        while not self._stop.is_set():
            number = self.backend.block_number()
            if number != head:
                head = number
                with self._changed:
                    waiting = [h for h, r in self._waiting.items() if r is None]
                found = {h: self.backend.receipt(h) for h in waiting}
                with self._changed:
                    self._waiting.update({h: r for h, r in found.items() if r is not None})
                    self._changed.notify_all()
            time.sleep(HEAD_POLL)


def waiting_rate(system: System, lanes: list[Lane], operations: int) -> RawResult:
    """The chain's own limit for clients that wait for each answer, as a gateway's clients do: each lane a
    client that sends one transaction and waits for its receipt before the next (an endorse request, then its
    sign), every lane at once; `operations` over the time from the first send to the last receipt. A gateway
    level of as many clients cannot beat it: its answers wait for the same receipts."""
    per_lane = max(1, operations // (2 * len(lanes)))
    backend, bills = system.backend, system.bills
    gas: dict[str, list[int]] = {"endorse": [], "sign": []}

    def client(lane: Lane, watcher: ReceiptWatcher) -> None:
        nonces = {a.address: backend.pending_nonce(a.address) for a in (lane.holder, lane.receiver)}
        params: dict[str, TxParams] = {}

        def send(signer: LocalAccount, name: str, call: EncodedCall) -> TxReceipt:
            if name not in params:  # the lane's calls of a kind differ only in data
                params[name] = system.tx.prepare(signer, call)
            tx = call.build_transaction({**params[name], "nonce": Nonce(nonces[signer.address])})
            signed = signer.sign_transaction(tx)  # type: ignore[arg-type]
            nonces[signer.address] += 1
            watcher.expect(bytes(signed.hash))
            backend.send_raw(bytes(signed.raw_transaction))
            receipt = watcher.wait(bytes(signed.hash))
            gas[name].append(int(receipt["gasUsed"]))
            return receipt

        for j in range(per_lane):
            endorse = bills.encode("endorse", lane.bill_id, lane.start + j, 1, lane.receiver.address, ZERO_HASH, False)
            requested = send(lane.holder, "endorse", endorse)
            transfer_id = bills.events_in(requested, "TransferRequested")[0]["args"]["transferId"]
            send(lane.receiver, "sign", bills.encode("sign", transfer_id))
        lane.start += per_lane

    with ReceiptWatcher(backend) as watcher, ThreadPoolExecutor(len(lanes)) as pool:
        began = time.perf_counter()
        list(pool.map(lambda lane: client(lane, watcher), lanes))
        seconds = time.perf_counter() - began
    done = len(gas["endorse"]) + len(gas["sign"])
    return RawResult(done, seconds, {name: sum(used) // len(used) for name, used in gas.items()})


def _send_all(
    system: System,
    lanes: list[Lane],
    per_lane: int,
    make: Callable[[Lane, int], tuple[LocalAccount, EncodedCall]],
) -> tuple[list[TxReceipt], float]:
    """Sign per_lane calls for every lane, then send them all and wait: (receipts in send order, seconds)."""
    backend = system.backend
    raws: list[bytes] = []
    hashes: list[bytes] = []
    last_of_lane: list[bytes] = []
    signed_by_lane: list[list[tuple[bytes, bytes]]] = []
    for lane in lanes:
        signer, first = make(lane, 0)
        params = system.tx.prepare(signer, first)  # priced, with gas: the lane's calls differ only in data
        nonce = backend.pending_nonce(signer.address)
        own = []
        for j in range(per_lane):
            _, call = make(lane, j)
            signed = signer.sign_transaction(call.build_transaction({**params, "nonce": Nonce(nonce + j)}))  # type: ignore[arg-type]
            own.append((bytes(signed.raw_transaction), bytes(signed.hash)))
        signed_by_lane.append(own)
        last_of_lane.append(own[-1][1])
    for j in range(per_lane):  # round-robin: every block carries every lane
        for own in signed_by_lane:
            raws.append(own[j][0])
            hashes.append(own[j][1])
    return _send_raws(backend, raws, hashes, set(last_of_lane))


def _send_raws(
    backend: ChainBackend, raws: list[bytes], hashes: list[bytes], last: set[bytes]
) -> tuple[list[TxReceipt], float]:
    """Send signed transactions as fast as the node takes them and wait until `last` (each sender's last
    transaction) are mined: (receipts in send order, seconds from the first send to the last receipt)."""
    w3 = backend.w3
    if not isinstance(backend, RpcBackend):
        return _run_in_process(backend, raws)
    began = time.perf_counter()
    # JSON-RPC batches (web3.py will not batch this method): one round trip per SEND_BATCH transactions,
    # or fewer when they are large (a batch of operations), so that a request stays under SEND_BYTES
    with httpx.Client(timeout=60) as http:
        for group in _groups(raws):
            batch = [
                {"jsonrpc": "2.0", "id": n, "method": "eth_sendRawTransaction", "params": ["0x" + raw.hex()]}
                for n, raw in enumerate(group)
            ]
            answers = http.post(backend.url, json=batch).json()
            if not isinstance(answers, list):
                raise RuntimeError(f"the node refused the request: {str(answers)[:300]}")
            refused = [r["error"] for r in answers if "error" in r]
            if refused:
                raise RuntimeError(f"the node refused {len(refused)} transactions, first: {refused[0]}")
    pending = set(last)  # a sender's last nonce mined means all of its transactions are
    while pending:
        pending = {h for h in pending if backend.receipt(h) is None}
        if pending:
            time.sleep(0.02)
    seconds = time.perf_counter() - began
    return _succeeded([w3.eth.get_transaction_receipt(HexBytes(h)) for h in hashes]), seconds


def _groups(raws: list[bytes]) -> list[list[bytes]]:
    groups: list[list[bytes]] = [[]]
    size = 0
    for raw in raws:
        if groups[-1] and (len(groups[-1]) == SEND_BATCH or size + len(raw) > SEND_BYTES):
            groups.append([])
            size = 0
        groups[-1].append(raw)
        size += len(raw)
    return groups


def _run_in_process(backend: ChainBackend, raws: list[bytes]) -> tuple[list[TxReceipt], float]:
    """py-evm mines each transaction as it is sent. Only the sends are timed: each receipt is read
    at once, untimed (eth-tester finds a transaction by walking back from the head block)."""
    seconds = 0.0
    receipts = []
    for raw in raws:
        began = time.perf_counter()
        tx_hash = backend.w3.eth.send_raw_transaction(raw)
        seconds += time.perf_counter() - began
        receipts.append(backend.w3.eth.get_transaction_receipt(tx_hash))
    return _succeeded(receipts), seconds


def _succeeded(receipts: list[TxReceipt]) -> list[TxReceipt]:
    failed = [r for r in receipts if r["status"] != 1]
    if failed:
        raise RuntimeError(f"{len(failed)} benchmark transactions reverted, first {failed[0]['transactionHash'].hex()}")
    return receipts


@dataclass(frozen=True)
class BatchRate:
    """Business operations per second with `size` signed operations (of `size` signers) per transaction."""

    size: int
    operations: int
    seconds: float
    gas_per_op: dict[str, int]  # mean gas per operation inside a batch

    @property
    def ops_per_s(self) -> float:
        return self.operations / self.seconds


def batch_rate(system: System, lanes: list[Lane], operations: int, size: int) -> BatchRate:
    """The raw run's operations (endorse requests, then signs) as signed operations relayed in batches of
    `size` (OperationRelay.executeBatch), each batch holding one operation of `size` lanes' signers. All
    are signed first (the signers' EIP-712 signatures and the relayer's transactions), then sent straight
    to the node as the raw run sends; signing left out of the time, as there."""
    per_lane = max(1, operations // (2 * len(lanes)))
    bills, relay, backend = system.bills, system.relay, system.backend
    relayer = Account.create()
    backend.fund(relayer.address)
    deadline = backend.timestamp() + 86_400
    nonces = {a.address: relay.nonce(a.address) for lane in lanes for a in (lane.holder, lane.receiver)}

    def unsigned(signer: LocalAccount, call: EncodedCall) -> tuple[LocalAccount, EncodedCall, int]:
        nonce = nonces[signer.address]
        nonces[signer.address] += 1
        return signer, call, nonce

    def signed(chunk: list[tuple[LocalAccount, EncodedCall, int]]) -> list[tuple[bytes, str, int, int, bytes]]:
        """Each item signed as an item of its batch (OperationRelay: no item acts outside it)."""
        batch = batch_of([(call, signer.address, nonce, deadline) for signer, call, nonce in chunk])
        return [
            (
                call.data,
                signer.address,
                nonce,
                deadline,
                sign_typed(signer, relay.batch_item_typed_data(batch, call, signer.address, nonce, deadline)),
            )
            for signer, call, nonce in chunk
        ]

    def run(items: list[tuple[LocalAccount, EncodedCall, int]]) -> tuple[list[TxReceipt], float]:
        chunks = [signed(items[i : i + size]) for i in range(0, len(items), size)]
        calls = [
            EncodedCall(relay.address, bytes.fromhex(relay.contract.encode_abi("executeBatch", [c])[2:]))
            for c in chunks
        ]
        params = system.tx.prepare(relayer, calls[0])  # priced; gas: a later batch may cost more than the first
        block_gas = int(backend.w3.eth.get_block("latest")["gasLimit"])
        params["gas"] = min(block_gas, max(int(params["gas"]), size * BATCH_GAS_PER_OPERATION))
        first = backend.pending_nonce(relayer.address)
        raws, hashes = [], []
        for k, call in enumerate(calls):
            tx = relayer.sign_transaction(call.build_transaction({**params, "nonce": Nonce(first + k)}))  # type: ignore[arg-type]
            raws.append(bytes(tx.raw_transaction))
            hashes.append(bytes(tx.hash))
        return _send_raws(backend, raws, hashes, {hashes[-1]})

    start = {lane.bill_id: lane.start for lane in lanes}
    endorses = [
        unsigned(
            lane.holder,
            bills.encode("endorse", lane.bill_id, start[lane.bill_id] + j, 1, lane.receiver.address, ZERO_HASH, False),
        )
        for j in range(per_lane)
        for lane in lanes
    ]
    endorsed, endorse_s = run(endorses)
    transfer_ids = [int(e["args"]["transferId"]) for r in endorsed for e in bills.events_in(r, "TransferRequested")]
    receivers = [lane.receiver for _ in range(per_lane) for lane in lanes]
    signs = [unsigned(receiver, bills.encode("sign", t)) for receiver, t in zip(receivers, transfer_ids, strict=True)]
    signed_receipts, sign_s = run(signs)
    for lane in lanes:
        lane.start += per_lane
    count = len(endorses)
    gas = {
        "endorse": sum(int(r["gasUsed"]) for r in endorsed) // count,
        "sign": sum(int(r["gasUsed"]) for r in signed_receipts) // count,
    }
    return BatchRate(size, 2 * count, endorse_s + sign_s, gas)
