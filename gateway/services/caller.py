"""Who is calling: a participant or the operator."""

from __future__ import annotations

from dataclasses import dataclass

from eth_account.signers.local import LocalAccount

from gateway.core.db import ParticipantRow


@dataclass(frozen=True)
class Caller:
    id: str
    role: str
    participant: ParticipantRow | None = None

    @property
    def is_operator(self) -> bool:
        return self.role == "OPERATOR"

    @property
    def sees_everything(self) -> bool:
        return self.role in ("OPERATOR", "REGULATOR")


@dataclass(frozen=True)
class Signer:
    caller: Caller
    account: LocalAccount
