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

import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from eth_account import Account
from eth_account.signers.local import LocalAccount
from hexbytes import HexBytes
from web3.types import Nonce, TxReceipt

from chain.backends.base import ChainBackend
from chain.backends.rpc import RpcBackend
from chain.deploy import System
from chain.model import ZERO_HASH, BillKind, Role, day_number, shanghai_date
from chain.tx import EncodedCall

LANE_BILL_FEN = 10_000_000  # 100,000.00: room for that many 0.01 endorsements
MATURITY_DAYS = 180
SEND_BATCH = 100


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


def prepare_lanes(system: System, operator: LocalAccount, count: int) -> list[Lane]:
    """`count` lanes on `system`, with fresh in-memory keys (a benchmark keeps none)."""
    backend = system.backend
    bank, drawer = Account.create(), Account.create()
    for account, role in ((bank, Role.BANK), (drawer, Role.ENTERPRISE)):
        backend.fund(account.address)
        system.registry.register(operator, account.address, role)
    maturity = day_number(shanghai_date(backend.timestamp())) + MATURITY_DAYS
    lanes = []
    for _ in range(count):
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
        lanes.append(Lane(holder, receiver, bill_id, 1))
    return lanes


def raw_rate(system: System, lanes: list[Lane], operations: int) -> RawResult:
    """Send `operations` (half endorse requests, half signs) over `lanes`; see the module's doc."""
    per_lane = max(1, operations // (2 * len(lanes)))
    bills = system.bills

    def endorse(lane: Lane, j: int) -> tuple[LocalAccount, EncodedCall]:
        return lane.holder, bills.encode("endorse", lane.bill_id, lane.start + j, 1, lane.receiver.address, ZERO_HASH)

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


def _send_all(
    system: System,
    lanes: list[Lane],
    per_lane: int,
    make: Callable[[Lane, int], tuple[LocalAccount, EncodedCall]],
) -> tuple[list[TxReceipt], float]:
    """Sign per_lane calls for every lane, then send them all and wait: (receipts in send order, seconds)."""
    backend = system.backend
    w3 = backend.w3
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
    if not isinstance(backend, RpcBackend):
        return _run_in_process(backend, raws)
    began = time.perf_counter()
    # JSON-RPC batches (web3.py will not batch this method): one round trip per SEND_BATCH
    with httpx.Client(timeout=60) as http:
        for i in range(0, len(raws), SEND_BATCH):
            batch = [
                {"jsonrpc": "2.0", "id": n, "method": "eth_sendRawTransaction", "params": ["0x" + raw.hex()]}
                for n, raw in enumerate(raws[i : i + SEND_BATCH])
            ]
            refused = [r["error"] for r in http.post(backend.url, json=batch).json() if "error" in r]
            if refused:
                raise RuntimeError(f"the node refused {len(refused)} transactions, first: {refused[0]}")
    pending = set(last_of_lane)  # a lane's last nonce mined means all of its transactions are
    while pending:
        pending = {h for h in pending if backend.receipt(h) is None}
        if pending:
            time.sleep(0.02)
    seconds = time.perf_counter() - began
    return _succeeded([w3.eth.get_transaction_receipt(HexBytes(h)) for h in hashes]), seconds


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
