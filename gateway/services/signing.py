"""Self-custody participants sign their own operations; the gateway prepares and relays (docs/SIGNING.md).

Every write route has a twin, `<path>/prepare`: the same body, the same checks, and instead of a
transaction, the EIP-712 typed data the participant signs, with a summary in words. The write itself,
sent again with `Billchain-Signature`, `Billchain-Nonce` and `Billchain-Deadline`, is relayed through
the OperationRelay from the gateway's relayer account. The gateway never holds a self-custody key: a
write of such a participant without its signature is refused (SIGNATURE_REQUIRED), and what the chain
runs is only what the signature covers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from chain.model import SHANGHAI, BillKind, TransferKind, day_date
from chain.relay import Prepared, typed_digest
from gateway.core.db import ParticipantRow
from gateway.core.money import format_amount
from gateway.core.schemas import PreparedOut, SubmitHint
from gateway.services.base import Service
from gateway.services.caller import Caller


class Signing(Service):
    def prepared(self, caller: Caller, prepared: Prepared, path: str) -> PreparedOut:
        """The typed data of the operation the request would have sent, for its signer to sign."""
        relay = self.rt.system.relay
        nonce = relay.nonce(prepared.signer)
        deadline = self.rt.backend.timestamp() + self.rt.settings.signature_ttl
        typed = relay.typed_data(prepared.call, prepared.signer, nonce, deadline)
        return PreparedOut(
            operation=typed["primaryType"],
            signer=prepared.signer,
            summary=self.summary(caller, typed),
            typed_data=typed,
            digest="0x" + typed_digest(typed).hex(),
            nonce=nonce,
            deadline=deadline,
            submit=SubmitHint(
                method="POST",
                path=path,
                headers={"Billchain-Nonce": str(nonce), "Billchain-Deadline": str(deadline)},
            ),
        )

    def summary(self, caller: Caller, typed: dict[str, Any]) -> str:
        """The operation in words, from the typed data itself (so that it says what is signed)."""
        message = dict(typed["message"])
        nonce, deadline = message.pop("nonce"), message.pop("deadline")
        message.pop("signer")
        parts = [f"{_label(name)} {self._value(name, value)}" for name, value in message.items()]
        until = datetime.fromtimestamp(deadline, UTC).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
        return (
            f"{caller.id} signs {typed['primaryType']}: {', '.join(parts)}. "
            f"Nonce {nonce}; valid until {until} Asia/Shanghai, on chain {typed['domain']['chainId']}."
        )

    def _value(self, name: str, value: Any) -> str:
        if name in ("amount", "price", "limit"):
            return f"{format_amount(int(value))} yuan ({value} fen)"
        if name in ("to", "bank", "acceptor", "payee", "against", "account", "guarantor", "newAccount"):
            return f"{self._who(str(value))} ({value})"
        if name == "maturityDay":
            return day_date(int(value)).isoformat()
        if name == "annualRateMicros":
            return f"{int(value) / 10_000:g} % a year"
        if name == "transferKind":
            return TransferKind(int(value)).name
        if name == "kind":
            return BillKind(int(value)).name
        if name in ("documentHash", "orderHash"):
            return "none" if int(value, 16) == 0 else str(value)
        if name == "restrictive":
            return "yes: 不得转让, liable to the endorsee alone" if value else "no"
        if name == "reason":
            return repr(value)
        return str(value)

    def _who(self, address: str) -> str:
        with self.rt.db.session() as s:
            row = s.scalar(select(ParticipantRow).where(func.lower(ParticipantRow.address) == address.lower()))
        return row.id if row is not None else "an unknown account"


def _label(name: str) -> str:
    """camelCase field names as words: rangeStart -> range start."""
    return "".join(f" {c.lower()}" if c.isupper() else c for c in name)
