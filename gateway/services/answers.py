"""Every write's answer, built from its receipt and the index alone.

A write names its answer (`Answer`) before it sends; the same code below then
answers it live, or after a crash, when the ledger settles the transaction from the
outbox (gateway/ledger/recovery.py, which is given `render`). So an answer never
depends on what the request computed in memory, and is rendered one way.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from chain.deploy import System
from chain.model import Rules
from chain.tx import TxResult
from gateway.core.db import Database, ParticipantRow, TransferRow
from gateway.core.money import format_amount
from gateway.core.schemas import (
    BatchOut,
    BatchResult,
    BillTx,
    CashOut,
    MintLimitOut,
    OnboardedOut,
    ParticipantOut,
    TransferTx,
)
from gateway.ledger.confidential import ConfidentialPlatform
from gateway.ledger.outbox import Answer
from gateway.services import standing, tokens, views

WriteOut = BillTx | TransferTx | CashOut | ParticipantOut | OnboardedOut | MintLimitOut | BatchOut


class Answers:
    def __init__(
        self,
        db: Database,
        system: System,
        rules: Rules,
        token_ttl_days: int | None = None,
        confidential: ConfidentialPlatform | None = None,
    ) -> None:
        self.db = db
        self.system = system
        self.rules = rules
        self.token_ttl_days = token_ttl_days
        self.confidential = confidential

    def participant(self, s: Session, row: ParticipantRow) -> ParticipantOut:
        """The participant as API.md shows it, its overdue standing as of the chain's today."""
        today = standing.chain_today(s)
        found = standing.standings(s, [row.id], today, self.rules.overdue_window_days)
        return views.participant(row, found.get(row.id, standing.GOOD))

    def build(self, answer: Answer, result: TxResult) -> WriteOut:
        builders = {
            "bill": self._bill,
            "cash": self._cash,
            "confidential_cash": self._confidential_cash,
            "participant": self._participant,
            "onboard": self._onboard,
            "mint_limit": self._mint_limit,
            "batch": self._batch,
        }
        return builders[answer.kind](answer.args, result)

    def render(self, answer: Answer, result: TxResult) -> tuple[int, bytes]:
        """The answer as the write's route sends it: its status and JSON body."""
        body: Any = {}
        if answer.kind != "none":
            body = self.build(answer, result).model_dump(mode="json", by_alias=True)
        return answer.status, json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()

    def _bill(self, args: dict[str, Any], result: TxResult) -> BillTx | TransferTx:
        """{bill, tx}, or {transfer, bill, tx}: bill_id absent = the bill this transaction issued;
        transfer=True = the transfer this transaction requested."""
        bills = self.system.bills
        nth = args.get("nth", 0)  # in a batch: the nth issue, or the nth transfer requested, of the transaction
        bill_id = args.get("bill_id") or bills.issued_bill_id(result, nth)
        transfer_id = bills.requested_transfer_id(result, nth) if args.get("transfer") else args.get("transfer_id")
        with self.db.session() as s:
            bill = views.bill_out(s, bill_id)
            if transfer_id is None:
                return BillTx(bill=bill, tx=views.tx(result))
            row = s.get(TransferRow, transfer_id)
            assert row is not None, f"transfer {transfer_id} is not indexed"
            return TransferTx(transfer=views.transfer(row), bill=bill, tx=views.tx(result))

    def _batch(self, args: dict[str, Any], result: TxResult) -> BatchOut:
        """Each operation's answer as it alone would be answered, from the one transaction: bills, balances
        and transfers as they stand after the whole batch."""
        results = []
        for item in args["operations"]:
            answer = Answer(item["kind"], item["args"])
            body = self.build(answer, result).model_dump(mode="json", by_alias=True)
            results.append(BatchResult(status=answer.status, body=body))
        return BatchOut(operations=results, tx=views.tx(result))

    def _cash(self, args: dict[str, Any], result: TxResult) -> CashOut:
        with self.db.session() as s:
            balance = views.balance(s, args["balance_of"])
        return CashOut(
            to=args["to"], amount=format_amount(args["amount"]), balance=format_amount(balance), tx=views.tx(result)
        )

    def _confidential_cash(self, args: dict[str, Any], result: TxResult) -> CashOut:
        """As `_cash`, the balance read from the notes of `balance_of` (its wallet, from the chain)."""
        assert self.confidential is not None, "a confidential write answered by a transparent gateway"
        balance = self.confidential.balance(args["balance_of"])
        return CashOut(
            to=args["to"], amount=format_amount(args["amount"]), balance=format_amount(balance), tx=views.tx(result)
        )

    def _participant(self, args: dict[str, Any], _: TxResult) -> ParticipantOut:
        with self.db.session() as s:
            row = s.get(ParticipantRow, args["id"])
            assert row is not None
            return self.participant(s, row)

    def _mint_limit(self, args: dict[str, Any], _: TxResult) -> MintLimitOut:
        """What the chain says of the bank's limit once the regulator's transaction is mined."""
        cash = self.system.cash if self.confidential is None else self.confidential.ledger
        limit, minted = cash.mint_limit_of(args["address"])
        return MintLimitOut(participant=args["id"], mint_limit=format_amount(limit), minted=format_amount(minted))

    def _onboard(self, args: dict[str, Any], result: TxResult) -> OnboardedOut:
        """The participant's directory entry (indexed from its registration, as at every gateway), this
        gateway's custody of it, and its token when this gateway serves it. Settled after a crash that
        came after the token was written, the token is made anew: the first was never given."""
        served, token = args["custody"] != "elsewhere", None
        with self.db.session() as s:
            row = s.get(ParticipantRow, args["id"])
            assert row is not None, f"the registration of {args['id']} is not indexed"
            row.custody = args["custody"]
            if served:
                token, _ = tokens.issue(s, row, "operator", "ISSUED", self.token_ttl_days)
            shown = self.participant(s, row)
        return OnboardedOut(**shown.model_dump(), api_token=token)
