"""Builds the read models (bills, ranges, transfers, history, balances) from contract events.

The chain is the source of truth: dropping the index and running the indexer from
block 0 rebuilds the same rows. Every event of the platform's contracts is either handled here or ignored
on purpose, with the reason (`IGNORED`); tests/unit/test_indexer_events.py holds the two sets together equal to
the ABIs' events, so an event a contract gains is looked at, not silently skipped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractEvent
from web3.types import EventData

from chain.backends.base import ChainBackend
from chain.model import BillKind, BillStatus, MemberStatus, RangeState, Role, TransferKind, TransferStatus, day_date
from gateway.core.billno import bill_no
from gateway.core.db import (
    AnchorRow,
    BalanceRow,
    BillRow,
    CashMovementRow,
    Database,
    GuaranteeRow,
    HistoryRow,
    IndexState,
    OverdueEventRow,
    ParticipantRow,
    RangeRow,
    TransferRow,
    ViewerRow,
)
from gateway.core.money import format_rate

ZERO = "0x0000000000000000000000000000000000000000"
#: how far back the blocks events were taken from are remembered, for a rewind (the follower's fork bound
#: is below it: gateway/ledger/follower.py SHALLOW_REORG)
KEPT_BLOCKS = 256

#: the platform's events the index takes nothing from, and why
IGNORED: dict[str, str] = {
    "RoleAdminChanged": "the OPERATOR role and the admin timelock's roles: who runs the platform, not a member",
    "RoleGranted": "the OPERATOR role and the admin timelock's roles: who runs the platform, not a member",
    "RoleRevoked": "the OPERATOR role and the admin timelock's roles: who runs the platform, not a member",
    "CallScheduled": "the admin timelock's proposals (adding an operator): public on chain, not the index's",
    "CallExecuted": "the admin timelock's proposals (adding an operator): public on chain, not the index's",
    "CallSalt": "the admin timelock's proposals (adding an operator): public on chain, not the index's",
    "Cancelled": "the admin timelock's proposals (adding an operator): public on chain, not the index's",
    "MinDelayChange": "the admin timelock's delay: public on chain, not the index's",
    "Approval": "DigitalCash refuses approve: never emitted",
    "CashMinted": "ERC-20's Transfer from the zero address, emitted with it, is the movement indexed",
    "CashSettled": "ERC-20's Transfer, emitted with it, is the movement indexed (its kind from the bill's events)",
    "MintLimitSet": "a bank's limit is read from the chain when asked (GET /v1/participants/{id}/mint-limit)",
    "DocumentReleased": "the rejection or revocation of its transfer, indexed, releases the anchor",
    "EIP712DomainChanged": "never emitted: the relay's signing domain is fixed at construction",
    "BundleItemExecuted": "a bundle's item took effect: its own events, emitted before this one, are what is indexed",
    "BundleItemFailed": "a bundle's item failed and changed nothing; its caller is answered its error (issue 28)",
}

#: a drawer's or acceptor's guarantee of the whole bill names no range (its start is 0) and locks none
WHOLE_BILL = 0


#: the transfers that carry a price: cash moves when they are signed
PRICED = (TransferKind.DISCOUNT.name, TransferKind.RECOURSE.name)


@dataclass
class Context:
    """What every handler of one catch-up shares: the directory so far (address -> id) and the block's time."""

    who: dict[str, str]
    at: datetime = datetime.min


def _hex(value: bytes) -> str:
    return "0x" + bytes(value).hex()


def _doc(value: bytes) -> str | None:
    return None if bytes(value) == b"\x00" * 32 else _hex(value)


class Indexer:
    def __init__(
        self, backend: ChainBackend, contracts: dict[str, Contract], db: Database, gateway: str | None = None
    ) -> None:
        """`gateway`: this gateway's operator address, by which the chain says which members it serves."""
        self.backend = backend
        self.db = db
        self.gateway = gateway
        self._lock = threading.Lock()
        #: the last block this process saw committed to the index (one process serves a database: its
        #: data dir's lock); a write whose block is at or under it needs no look at the index
        self._indexed = -1
        #: what a rewind needs (`rewind`): the first block this process indexed (those below were indexed
        #: before it started, unseen), and the blocks above it that events were taken from
        self._since: int | None = None
        self._took: set[int] = set()
        #: topic 0 -> the event that decodes a log with it
        self._events: dict[bytes, ContractEvent] = {}
        for contract in contracts.values():
            for abi in contract.abi:
                if abi["type"] == "event":
                    types = ",".join(i["type"] for i in abi["inputs"])
                    self._events[Web3.keccak(text=f"{abi['name']}({types})")] = contract.events[abi["name"]]()
        self.addresses = [contract.address for contract in contracts.values()]
        self._handlers: dict[str, Callable[[Session, EventData, Context], None]] = {
            "ParticipantRegistered": self._registered,
            "ParticipantStatusChanged": self._participant_status,
            "ParticipantServed": self._served,
            "Transfer": self._cash_moved,
            "BillIssued": self._issued,
            "BillAccepted": lambda s, e, c: self._bill_status(s, e, c, BillStatus.ACCEPTED, "ACCEPTED"),
            "BillRejected": lambda s, e, c: self._bill_status(s, e, c, BillStatus.REJECTED, "REJECTED"),
            "BillCancelled": lambda s, e, c: self._bill_status(s, e, c, BillStatus.CANCELLED, "CANCELLED"),
            "BillSettled": lambda s, e, c: self._bill_status(s, e, c, BillStatus.SETTLED, "SETTLED"),
            "BillReceived": self._received,
            "RangeSplit": self._split,
            "RangesMerged": self._merged,
            "TransferRequested": self._requested,
            "TransferSigned": self._signed,
            "TransferRejected": lambda s, e, c: self._unwound(s, e, c, TransferStatus.REJECTED),
            "TransferRevoked": lambda s, e, c: self._unwound(s, e, c, TransferStatus.REVOKED),
            "PledgeReleased": self._released,
            "RangePresented": self._presented,
            "RangePaid": self._paid,
            "RangeDishonored": self._dishonored,
            "FreezeChanged": self._freeze,
            "FrozenUnderOrder": self._under_order,
            "SeizureRequested": self._seizure_order,
            "AcceptorOverdue": self._overdue,
            "DocumentAnchored": self._anchored,
            "RecoveryRequested": self._recovery_requested,
            "RecoveryApproved": self._recovery_approved,
            "RecoveryCancelled": self._recovery_cancelled,
            "ParticipantRecovered": self._recovered,
            "CashRecovered": self._cash_recovered,
        }

    # --- driving
    def last_block(self, session: Session) -> int:
        state = session.get(IndexState, 1)
        return state.last_block if state else -1

    def catch_up(self, to_block: int | None = None) -> int:
        """Index every block up to `to_block` (default: the latest); return the last indexed block."""
        if to_block is not None and to_block <= self._indexed:  # a write's block the follower indexed already
            return to_block
        with self._lock:  # the block follower and the embedded write path both drive it
            return self._catch_up(to_block)

    def _catch_up(self, to_block: int | None) -> int:
        target = self.backend.block_number() if to_block is None else to_block
        with self.db.session() as session:
            start = self.last_block(session) + 1
            if start > target:
                self._indexed = start - 1
                return target
            if self._since is None:
                self._since = start
            logs = self.backend.logs(start, target, self.addresses)
            context = Context(who={p.address: p.id for p in session.scalars(select(ParticipantRow))})
            took: set[int] = set()
            timestamps: dict[int, datetime] = {}
            for log in sorted(logs, key=lambda lg: (lg["blockNumber"], lg["logIndex"])):
                decoder = self._events.get(bytes(log["topics"][0]))
                if decoder is None:
                    continue
                event = decoder.process_log(log)
                handler = self._handlers.get(event["event"])
                if handler is None:
                    assert event["event"] in IGNORED, f"{event['event']}: neither handled nor ignored"
                    continue
                number = int(log["blockNumber"])
                if number not in timestamps:
                    ts = self.backend.block_timestamp(number)
                    timestamps[number] = datetime.fromtimestamp(ts, UTC).replace(tzinfo=None)
                context.at = timestamps[number]
                handler(session, event, context)
                took.add(number)
            state = session.get(IndexState, 1) or IndexState(id=1, last_block=target)
            state.last_block = target
            state.last_hash = self.backend.block_hash(target)
            state.last_timestamp = self.backend.block_timestamp(target)
            session.add(state)
        self._indexed = target  # committed
        self._took = {n for n in self._took | took if n > target - KEPT_BLOCKS}
        return target

    def rewind(self, to_block: int) -> bool:
        """A shallow fork replaced the blocks above `to_block`: forget them, and the next catch-up reads their
        replacements. Only when the index took no event from them (the handlers update rows in place and
        cannot be undone) and this process indexed them all (it knows which it took events from); else False,
        and nothing changed: the index must be rebuilt."""
        with self._lock, self.db.session() as session:
            state = session.get(IndexState, 1)
            if state is None or state.last_block <= to_block:
                return True
            unseen = self._since is None or to_block + 1 < self._since or to_block < state.last_block - KEPT_BLOCKS
            if unseen or any(n > to_block for n in self._took):
                return False
            state.last_block = to_block
            state.last_hash = self.backend.block_hash(to_block)
            state.last_timestamp = self.backend.block_timestamp(to_block)
            self._indexed = to_block
        return True

    def rebuild(self) -> int:
        """Drop every read model and read the chain again from block 0: the index equals the chain."""
        with self._lock:
            self._indexed = -1
            self._since, self._took = None, set()
            self.db.drop_index()
            with self.db.session() as session:  # statuses and recoveries come back from the chain's events
                session.execute(
                    update(ParticipantRow).values(
                        status="ACTIVE", recovery_address=None, recovery_approved_by=None, recovery_effective_at=None
                    )
                )
            return self._catch_up(None)

    def divergence(self) -> str | None:
        """Why the chain is not the chain this index was built from, or None: its head is below the
        last indexed block, or the block at that height is another block."""
        with self.db.session() as session:
            state = session.get(IndexState, 1)
        if state is None:
            return None
        backend = self.backend
        head = backend.block_number()
        if head < state.last_block:
            return f"the chain's head is block {head}, below block {state.last_block} that the index holds"
        if state.last_hash is not None and backend.block_hash(state.last_block) != state.last_hash:
            return f"block {state.last_block} on the chain is not the block {state.last_block} the index holds"
        return None

    # --- helpers
    @staticmethod
    def _who(context: Context, address: str) -> str:
        return str(context.who.get(address, address))

    @staticmethod
    def _history(session: Session, event: EventData, context: Context, bill_id: int, name: str, **fields: Any) -> None:
        session.add(
            HistoryRow(
                bill_id=bill_id,
                event=name,
                block_number=event["blockNumber"],
                tx_hash=_hex(event["transactionHash"]),
                timestamp=context.at,
                **fields,
            )
        )

    def _range_history(
        self,
        session: Session,
        event: EventData,
        context: Context,
        rng: RangeRow,
        name: str,
        actor: str,
        counterparty: str | None = None,
        **fields: Any,
    ) -> None:
        """A history entry about one range: its bounds and amount come with it."""
        self._history(
            session,
            event,
            context,
            rng.bill_id,
            name,
            actor=actor,
            counterparty=counterparty,
            range_start=rng.start,
            range_end=rng.end,
            amount=rng.end - rng.start + 1,
            **fields,
        )

    @staticmethod
    def _see(session: Session, bill_id: int, *participants: str | None) -> None:
        for p in participants:
            if p and session.get(ViewerRow, (bill_id, p)) is None:
                session.add(ViewerRow(bill_id=bill_id, participant=p))

    @staticmethod
    def _range(session: Session, bill_id: int, start: int) -> RangeRow:
        row = session.get(RangeRow, (bill_id, start))
        assert row is not None, f"range {bill_id}/{start} missing from the index"
        return row

    # --- handlers
    def _registered(self, session: Session, event: EventData, context: Context) -> None:
        """The directory entry of a member, as the operator onboarded it on the chain: every gateway lists
        every member. One this gateway serves keeps its token and custody; any other is "elsewhere"."""
        a = event["args"]
        address, code = str(a["account"]), int(a["code"])
        row = session.scalar(select(ParticipantRow).where(ParticipantRow.address == address))
        row = row or session.get(ParticipantRow, a["id"])
        if row is None:
            row = ParticipantRow(id=a["id"], custody="elsewhere", token_hash=None)
            session.add(row)
        row.address, row.seq, row.member_code = address, code, f"{code:012d}"
        row.name, row.role, row.credit_code = a["name"], Role(a["role"]).name, a["creditCode"] or None
        row.status = row.status or "ACTIVE"
        session.flush()  # before the next event of this batch looks it up
        context.who[address] = row.id

    def _participant_status(self, session: Session, event: EventData, context: Context) -> None:
        row = session.scalar(select(ParticipantRow).where(ParticipantRow.address == event["args"]["account"]))
        if row is not None:
            row.status = MemberStatus(event["args"]["status"]).name  # FROZEN, ACTIVE again, PENDING, approved

    def _served(self, session: Session, event: EventData, context: Context) -> None:
        """The chain names the gateway that serves a member (docs/GATEWAYS.md): one this gateway served and
        now does not (another claimed it after the member left, or the member left) is "elsewhere" here, and
        its token here stops working."""
        gateway = event["args"]["gateway"]
        if self.gateway is None or gateway == self.gateway:
            return
        row = session.scalar(select(ParticipantRow).where(ParticipantRow.address == event["args"]["account"]))
        if row is not None and row.served_here:
            row.custody, row.token_hash, row.token_expires_at = "elsewhere", None, None

    def _cash_moved(self, session: Session, event: EventData, context: Context) -> None:
        args = event["args"]
        for address, sign in ((args["from"], -1), (args["to"], 1)):
            if address == ZERO:
                continue
            who = self._who(context, address)
            row = session.get(BalanceRow, who) or BalanceRow(participant=who, balance=0)
            row.balance += sign * int(args["value"])
            session.add(row)
        tx_hash = _hex(event["transactionHash"])
        kind, bill_id = self._settlement(session, tx_hash)
        session.add(
            CashMovementRow(
                sender=None if args["from"] == ZERO else self._who(context, args["from"]),
                receiver=self._who(context, args["to"]),
                amount=int(args["value"]),
                kind="MINT" if args["from"] == ZERO else kind,
                bill_id=bill_id,
                block_number=event["blockNumber"],
                tx_hash=tx_hash,
                timestamp=context.at,
            )
        )

    @staticmethod
    def _settlement(session: Session, tx_hash: str) -> tuple[str, int | None]:
        """What a cash movement in `tx_hash` paid for, by the bill events of the same transaction indexed
        before it (`_settled` names the movements indexed before the bill event)."""
        rows = session.scalars(
            select(HistoryRow).where(HistoryRow.tx_hash == tx_hash, HistoryRow.event.in_(("TRANSFER_SIGNED", "PAID")))
        ).all()
        for row in sorted(rows, key=lambda r: r.event != "TRANSFER_SIGNED"):
            if row.event == "PAID":
                return "PAY", row.bill_id
            t = session.get(TransferRow, row.transfer_id) if row.transfer_id else None
            if t is not None and t.kind in PRICED:
                return t.kind, row.bill_id
        return "TRANSFER", None

    @staticmethod
    def _settled(session: Session, tx_hash: str, kind: str, bill_id: int) -> None:
        session.execute(
            update(CashMovementRow)
            .where(CashMovementRow.tx_hash == tx_hash, CashMovementRow.kind == "TRANSFER")
            .values(kind=kind, bill_id=bill_id)
        )

    def _issued(self, session: Session, event: EventData, context: Context) -> None:
        a = event["args"]
        bill_id, kind = int(a["billId"]), BillKind(a["kind"]).name
        drawer, acceptor, payee = (self._who(context, a[k]) for k in ("drawer", "acceptor", "payee"))
        acc = session.get(ParticipantRow, acceptor)
        issue_date = day_date(int(a["issueDay"]))
        session.add(
            BillRow(
                id=bill_id,
                bill_no=bill_no(
                    kind, acc.role if acc else "", acc.member_code if acc else "0" * 12, issue_date, bill_id
                ),
                kind=kind,
                status=BillStatus.ISSUED.name,
                drawer=drawer,
                acceptor=acceptor,
                payee=payee,
                amount=int(a["amount"]),
                issue_date=issue_date,
                maturity_date=day_date(int(a["maturityDay"])),
                transferable=bool(a["transferable"]),
                document_hash=_doc(a["documentHash"]),
                frozen=False,
            )
        )
        session.flush()
        self._see(session, bill_id, drawer, acceptor, payee)
        self._history(
            session, event, context, bill_id, "ISSUED", actor=drawer, counterparty=payee, amount=int(a["amount"])
        )

    def _bill_status(self, session: Session, event: EventData, context: Context, status: BillStatus, name: str) -> None:
        a = event["args"]
        bill = session.get(BillRow, int(a["billId"]))
        assert bill is not None
        bill.status = status.name
        actor = next((self._who(context, a[k]) for k in ("acceptor", "by", "drawer") if k in a), None)
        self._history(session, event, context, bill.id, name, actor=actor)

    def _received(self, session: Session, event: EventData, context: Context) -> None:
        a = event["args"]
        bill = session.get(BillRow, int(a["billId"]))
        assert bill is not None
        bill.status = BillStatus.CIRCULATING.name
        payee = self._who(context, a["payee"])
        session.add(RangeRow(bill_id=bill.id, start=1, end=int(a["end"]), holder=payee, state=RangeState.HELD.name))
        self._history(
            session,
            event,
            context,
            bill.id,
            "RECEIVED",
            actor=payee,
            range_start=1,
            range_end=int(a["end"]),
            amount=int(a["end"]),
        )

    def _merged(self, session: Session, event: EventData, context: Context) -> None:
        """A withdrawn split merged back: the range after takes no more room of its own."""
        a = event["args"]
        bill_id = int(a["billId"])
        self._range(session, bill_id, int(a["start"])).end = int(a["end"])
        session.delete(self._range(session, bill_id, int(a["mergedStart"])))

    def _split(self, session: Session, event: EventData, context: Context) -> None:
        a = event["args"]
        bill_id = int(a["billId"])
        whole = self._range(session, bill_id, int(a["start"]))
        whole.end = int(a["splitAt"]) - 1
        session.add(
            RangeRow(
                bill_id=bill_id,
                start=int(a["splitAt"]),
                end=int(a["end"]),
                holder=whole.holder,
                state=RangeState.HELD.name,
            )
        )

    def _requested(self, session: Session, event: EventData, context: Context) -> None:
        a = event["args"]
        bill_id, transfer_id = int(a["billId"]), int(a["transferId"])
        kind = TransferKind(a["kind"]).name
        start = int(a["start"])
        rng = None if start == WHOLE_BILL else self._range(session, bill_id, start)
        sender, receiver = self._who(context, a["from"]), self._who(context, a["to"])
        priced = kind in PRICED
        session.add(
            TransferRow(
                id=transfer_id,
                kind=kind,
                bill_id=bill_id,
                start=int(a["start"]),
                end=int(a["end"]),
                sender=sender,
                receiver=receiver,
                price=int(a["price"]) if priced else None,
                annual_rate=format_rate(int(a["rateMicros"])) if kind == TransferKind.DISCOUNT.name else None,
                document_hash=_doc(a["documentHash"]),
                status=TransferStatus.PENDING.name,
                prior_state=rng.state if rng is not None else "NONE",
                created_at=context.at,
                updated_at=context.at,
                restrictive=bool(a["restrictive"]),
            )
        )
        if rng is not None:
            rng.state, rng.pending_transfer = RangeState.LOCKED.name, transfer_id
        self._see(session, bill_id, receiver)
        self._history(
            session,
            event,
            context,
            bill_id,
            "TRANSFER_REQUESTED",
            actor=sender,
            counterparty=receiver,
            range_start=rng.start if rng is not None else None,
            range_end=rng.end if rng is not None else None,
            amount=rng.end - rng.start + 1 if rng is not None else None,
            transfer_id=transfer_id,
        )

    def _transfer(self, session: Session, event: EventData, context: Context, status: TransferStatus) -> TransferRow:
        t = session.get(TransferRow, int(event["args"]["transferId"]))
        assert t is not None
        t.status, t.updated_at = status.name, context.at
        self._history(
            session,
            event,
            context,
            t.bill_id,
            f"TRANSFER_{status.name}",
            actor=self._who(context, event["args"]["by"]),
            counterparty=t.sender if status is not TransferStatus.REVOKED else t.receiver,
            range_start=t.start if t.names_range else None,
            range_end=t.end if t.names_range else None,
            amount=t.end - t.start + 1 if t.names_range else None,
            transfer_id=t.id,
        )
        return t

    def _signed(self, session: Session, event: EventData, context: Context) -> None:
        t = self._transfer(session, event, context, TransferStatus.SIGNED)
        if t.kind in PRICED:
            self._settled(session, _hex(event["transactionHash"]), t.kind, t.bill_id)
        if t.kind == TransferKind.GUARANTEE.name:  # the guarantor is bound for the party that asked
            whole = not t.names_range
            session.add(
                GuaranteeRow(
                    transfer_id=t.id,
                    bill_id=t.bill_id,
                    guarantor=t.receiver,
                    party=t.sender,
                    range_start=None if whole else t.start,
                    range_end=None if whole else t.end,
                )
            )
            if whole:
                return
        bill = session.get(BillRow, t.bill_id)
        rng = self._range(session, t.bill_id, t.start)
        rng.pending_transfer = None
        if t.kind == TransferKind.GUARANTEE.name:
            rng.state = t.prior_state
        elif t.kind == TransferKind.PLEDGE.name:
            rng.state, rng.pledgee = RangeState.PLEDGED.name, t.receiver
        elif t.kind == TransferKind.RECOURSE.name:
            rng.pledgee = None
            if bill is not None and t.receiver == bill.acceptor:
                rng.state = RangeState.PAID.name  # RangePaid follows in the same transaction
            else:
                rng.holder, rng.state = t.receiver, RangeState.DISHONORED.name
        else:
            rng.holder, rng.state = t.receiver, RangeState.HELD.name

    def _unwound(self, session: Session, event: EventData, context: Context, status: TransferStatus) -> None:
        t = self._transfer(session, event, context, status)
        if not t.names_range:
            return
        rng = self._range(session, t.bill_id, t.start)
        rng.state, rng.pending_transfer = t.prior_state, None
        if t.document_hash:
            anchor = session.get(AnchorRow, (t.document_hash, t.bill_id, t.id))
            if anchor is not None:
                session.delete(anchor)

    def _released(self, session: Session, event: EventData, context: Context) -> None:
        a = event["args"]
        rng = self._range(session, int(a["billId"]), int(a["start"]))
        rng.state, rng.pledgee = RangeState.HELD.name, None
        self._range_history(
            session, event, context, rng, "PLEDGE_RELEASED", self._who(context, a["pledgee"]), counterparty=rng.holder
        )

    def _presented(self, session: Session, event: EventData, context: Context) -> None:
        a = event["args"]
        rng = self._range(session, int(a["billId"]), int(a["start"]))
        rng.state, rng.late, rng.presented_at = RangeState.PRESENTED.name, bool(a["late"]), context.at
        self._range_history(session, event, context, rng, "PRESENTED", self._who(context, a["presenter"]))

    def _paid(self, session: Session, event: EventData, context: Context) -> None:
        a = event["args"]
        rng = self._range(session, int(a["billId"]), int(a["start"]))
        rng.state = RangeState.PAID.name
        self._settled(session, _hex(event["transactionHash"]), "PAY", rng.bill_id)
        self._range_history(
            session,
            event,
            context,
            rng,
            "PAID",
            self._who(context, a["payer"]),
            counterparty=self._who(context, a["payee"]),
        )

    def _dishonored(self, session: Session, event: EventData, context: Context) -> None:
        a = event["args"]
        rng = self._range(session, int(a["billId"]), int(a["start"]))
        rng.state = RangeState.DISHONORED.name
        self._range_history(
            session, event, context, rng, "DISHONORED", self._who(context, a["acceptor"]), counterparty=rng.holder
        )

    def _freeze(self, session: Session, event: EventData, context: Context) -> None:
        a = event["args"]
        bill_id, start, frozen = int(a["billId"]), int(a["start"]), bool(a["frozen"])
        target: BillRow | RangeRow | None = (
            session.get(BillRow, bill_id) if start == 0 else self._range(session, bill_id, start)
        )
        assert target is not None
        target.frozen = frozen
        if not frozen:
            target.order_hash = None  # a judicial freeze's order is lifted with it
        fields: dict[str, Any] = {}
        if isinstance(target, RangeRow):
            fields = {"range_start": target.start, "range_end": target.end}
        self._history(
            session,
            event,
            context,
            bill_id,
            "FROZEN" if frozen else "UNFROZEN",
            actor=self._who(context, a["by"]),
            **fields,
        )

    def _anchored(self, session: Session, event: EventData, context: Context) -> None:
        a = event["args"]
        key = (_hex(a["documentHash"]), int(a["billId"]), int(a["transferId"]))
        if session.get(AnchorRow, key) is None:
            session.add(AnchorRow(hash=key[0], bill_id=key[1], transfer_id=key[2]))

    # --- court orders, overdue acceptors
    def _under_order(self, session: Session, event: EventData, context: Context) -> None:
        """A judicial freeze (its FreezeChanged came first): the bill or range names the court's order."""
        a = event["args"]
        bill_id, start = int(a["billId"]), int(a["start"])
        target = session.get(BillRow, bill_id) if start == 0 else self._range(session, bill_id, start)
        assert target is not None
        target.order_hash = _hex(a["orderHash"])

    def _seizure_order(self, session: Session, event: EventData, context: Context) -> None:
        t = session.get(TransferRow, int(event["args"]["transferId"]))
        assert t is not None
        t.order_hash = _hex(event["args"]["orderHash"])

    def _overdue(self, session: Session, event: EventData, context: Context) -> None:
        """The chain counted an overdue event of the acceptor, and says until when it is persistently overdue."""
        a = event["args"]
        until = int(a["overdueUntil"])
        session.add(
            OverdueEventRow(
                acceptor=self._who(context, a["acceptor"]),
                bill_id=int(a["billId"]),
                day=day_date(int(a["day"])),
                overdue_until=day_date(until) if until else None,
                block_number=event["blockNumber"],
                tx_hash=_hex(event["transactionHash"]),
            )
        )

    # --- key recovery
    @staticmethod
    def _member(session: Session, address: str) -> ParticipantRow | None:
        return session.scalar(select(ParticipantRow).where(ParticipantRow.address == address))

    def _recovery_requested(self, session: Session, event: EventData, context: Context) -> None:
        row = self._member(session, event["args"]["account"])
        if row is not None:
            row.recovery_address = str(event["args"]["newAccount"])
            row.recovery_approved_by = row.recovery_effective_at = None

    def _recovery_approved(self, session: Session, event: EventData, context: Context) -> None:
        a = event["args"]
        row = self._member(session, a["account"])
        if row is not None:
            row.recovery_approved_by = self._who(context, a["by"])
            row.recovery_effective_at = datetime.fromtimestamp(int(a["effectiveAt"]), UTC).replace(tzinfo=None)

    def _recovery_cancelled(self, session: Session, event: EventData, context: Context) -> None:
        row = self._member(session, event["args"]["account"])
        if row is not None:
            row.recovery_address = row.recovery_approved_by = row.recovery_effective_at = None

    def _recovered(self, session: Session, event: EventData, context: Context) -> None:
        """The participant acts from its new address; its old one still names it in the events before."""
        a = event["args"]
        row = self._member(session, a["account"])
        if row is None:
            return
        row.address = str(a["newAccount"])
        row.recovery_address = row.recovery_approved_by = row.recovery_effective_at = None
        session.flush()
        context.who[row.address] = row.id

    def _cash_recovered(self, session: Session, event: EventData, context: Context) -> None:
        """The cash a recovery moved, from the participant to itself: no payment."""
        session.execute(
            update(CashMovementRow)
            .where(CashMovementRow.tx_hash == _hex(event["transactionHash"]), CashMovementRow.kind == "TRANSFER")
            .values(kind="RECOVERY")
        )
