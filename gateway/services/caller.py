"""Who is calling (a participant or the operator), and who signs its writes."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from eth_account.signers.local import LocalAccount

from chain.clients import Signer as Account
from chain.problem_codes import ProblemCode
from chain.relay import SignedBy, Unsigned
from gateway.core.db import ParticipantRow
from gateway.core.problems import Problem


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
        return self.role in ("OPERATOR", "REGULATOR") and not self.pending

    @property
    def pending(self) -> bool:
        """A REGULATOR admitted while another was ACTIVE, not yet approved: it may read itself only."""
        return self.participant is not None and self.participant.status == "PENDING"


@dataclass(frozen=True)
class Signer:
    caller: Caller
    #: a key the gateway holds (hosted, the operator), or a self-custody participant's signed operation
    account: Account


@dataclass(frozen=True)
class Signature:
    """What a self-custody participant sent with its write: its signature, nonce and deadline."""

    value: bytes
    nonce: int
    deadline: int


class Preparing:
    """The request is a preparation (`<write>/prepare`): nothing is sent (gateway/services/signing.py)."""


class Batching:
    """The request is one operation of a batch (POST /v1/batch): nothing is sent alone; the batch signs
    each operation with the caller's hosted key and relays them together (gateway/services/batches.py)."""


#: set by the write routes for the request being served (gateway/http/routes/common.py)
OPERATION_SIGNATURE: ContextVar[Signature | Preparing | Batching | None] = ContextVar(
    "operation_signature", default=None
)


def self_custody_account(caller: Caller, relayer: LocalAccount) -> SignedBy | Unsigned:
    """The signer of a self-custody caller's write: its signature, relayed; or, preparing, nothing yet.
    Without a signature nothing is sent: the gateway holds no key to sign with (SIGNATURE_REQUIRED)."""
    participant = caller.participant
    assert participant is not None and participant.self_custody
    sent = OPERATION_SIGNATURE.get()
    if isinstance(sent, Preparing | Batching):
        return Unsigned(participant.address)
    if sent is None:
        raise Problem(
            ProblemCode.SIGNATURE_REQUIRED,
            f"{caller.id} signs its own operations: POST this request to <its path>/prepare, sign the "
            "typed_data, then send it again with the Billchain-Signature, -Nonce and -Deadline headers",
        )
    return SignedBy(participant.address, sent.nonce, sent.deadline, sent.value, relayer)
