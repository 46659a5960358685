"""One Python exception per Solidity custom error, decoded from revert data.

Each class carries the stable problem code it stands for (`code`, a ProblemCode: chain/problem_codes.py).
For the contracts' own errors the code is the one their `@dev` NatSpec names, read from the compiled
contracts (chain/artifacts/errors.json), never written here a second time; OpenZeppelin's errors, which
name no code of ours, get theirs from `THIRD_PARTY`. A test keeps this module and the contracts' ABIs equal,
name for name, argument for argument and type for type (tests/chain/test_errors_sync.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any, ClassVar

from eth_abi import decode
from eth_utils import keccak, to_checksum_address

from chain.artifacts import load_error_codes
from chain.problem_codes import ProblemCode

#: OpenZeppelin's errors the contracts can raise: they name no code of ours, so here is theirs
THIRD_PARTY: dict[str, ProblemCode] = {
    "AccessControlBadConfirmation": ProblemCode.FORBIDDEN,
    "AccessControlUnauthorizedAccount": ProblemCode.FORBIDDEN,
    "ERC20InsufficientAllowance": ProblemCode.INSUFFICIENT_CASH,
    "ERC20InsufficientBalance": ProblemCode.INSUFFICIENT_CASH,
    "ERC20InvalidApprover": ProblemCode.INVALID_COUNTERPARTY,
    "ERC20InvalidReceiver": ProblemCode.INVALID_COUNTERPARTY,
    "ERC20InvalidSender": ProblemCode.INVALID_COUNTERPARTY,
    "ERC20InvalidSpender": ProblemCode.INVALID_COUNTERPARTY,
    "FailedCall": ProblemCode.INVALID_STATE,
    "InvalidShortString": ProblemCode.VALIDATION_ERROR,
    "StringTooLong": ProblemCode.VALIDATION_ERROR,
    "TimelockInsufficientDelay": ProblemCode.VALIDATION_ERROR,
    "TimelockInvalidOperationLength": ProblemCode.VALIDATION_ERROR,
    "TimelockUnauthorizedCaller": ProblemCode.FORBIDDEN,
    "TimelockUnexecutedPredecessor": ProblemCode.INVALID_STATE,
    "TimelockUnexpectedOperationState": ProblemCode.INVALID_STATE,
}


class ChainError(Exception):
    """Anything that went wrong talking to the chain."""

    #: found before anything was sent (an estimate's or a read's revert): nothing of the write is on chain, so
    #: it may be tried again as it was (gateway/services/base.py tries once more after a fork is followed)
    unsent: bool = False


class ChainUnavailable(ChainError):
    """The node does not answer (CHAIN_UNAVAILABLE)."""

    code: ClassVar[ProblemCode] = ProblemCode.CHAIN_UNAVAILABLE


#: how nodes word a sender that cannot pay for its transaction: geth, anvil and Nethermind say "insufficient
#: funds for gas * price + value", Besu "Upfront cost exceeds account balance"
NO_GAS_MONEY = ("insufficient funds", "upfront cost exceeds account balance")


class GasUnpaid(ChainUnavailable):
    """The node refuses a transaction because its sender cannot pay the gas (CHAIN_UNAVAILABLE). Most often a
    gateway started without --gas-price 0 on a free-gas network: it then pays the node's suggested price from
    an account that holds nothing. The node's words name neither the cause nor the cure; this says both."""

    def __init__(self, address: str, price: int, refusal: str) -> None:
        self.address = address
        self.price = price
        super().__init__(
            f"account {address} has no gas money on this network (at {price} wei per gas): on a free-gas network "
            "(one `billchain network up` makes, or Besu with --min-gas-price=0) start the gateway with "
            f"--gas-price 0 (BILLCHAIN_GAS_PRICE=0); else fund {address} (the node said: {refusal})"
        )

    @staticmethod
    def said_by(refusal: str) -> bool:
        """Whether a node's refusal of a transaction says its sender cannot pay for it."""
        text = refusal.lower()
        return any(words in text for words in NO_GAS_MONEY)


class AccountNotAllowed(ChainError):
    """The network's account allowlist does not let this account send transactions (FORBIDDEN)."""

    code: ClassVar[ProblemCode] = ProblemCode.FORBIDDEN


class TransactionFailed(ChainError):
    """A transaction reverted without data this module can decode."""

    code: ClassVar[ProblemCode] = ProblemCode.CHAIN_UNAVAILABLE


class OutOfGas(TransactionFailed):
    """A transaction, or an item of a bundle, ran out of the gas it was given: a mined transaction that used
    all its gas limit, or a bundle's item that failed without revert data (every contract reverts with a custom
    error or a panic, never empty). A bundled write tries once more with its own estimate."""


@dataclass
class ContractError(ChainError):
    """A revert with a known custom error; subclasses are the errors, fields their arguments, and each one's
    code the contracts' own (`@dev`) or, for OpenZeppelin's, `THIRD_PARTY`'s."""

    code: ClassVar[ProblemCode] = ProblemCode.INVALID_STATE

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        named = load_error_codes().get(cls.__name__)
        if named is None and cls.__name__ not in THIRD_PARTY:
            raise TypeError(f"{cls.__name__}: no such error in the compiled contracts, and none of OpenZeppelin's")
        cls.code = ProblemCode[named] if named is not None else THIRD_PARTY[cls.__name__]

    def __str__(self) -> str:
        args = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))
        return f"{type(self).__name__}({args})"


# --- participant registry -----------------------------------------------------------


@dataclass
class ParticipantRoleForbidden(ContractError):
    account: str
    role: int


@dataclass
class ParticipantNotRegistered(ContractError):
    account: str


@dataclass
class ParticipantAlreadyRegistered(ContractError):
    account: str


@dataclass
class ParticipantInvalidAccount(ContractError):
    account: str


@dataclass
class ParticipantIdTaken(ContractError):
    id: str
    account: str


@dataclass
class ParticipantInvalidProfile(ContractError):
    id: str


@dataclass
class ParticipantInvalidRole(ContractError):
    role: int


@dataclass
class ParticipantFrozen(ContractError):
    account: str


@dataclass
class ParticipantInvalidStatus(ContractError):
    account: str
    status: int


@dataclass
class ParticipantRegulatorDecides(ContractError):
    account: str


@dataclass
class ParticipantPending(ContractError):
    account: str


@dataclass
class ParticipantNotPending(ContractError):
    account: str
    status: int


@dataclass
class ParticipantServedElsewhere(ContractError):
    account: str
    gateway: str


@dataclass
class RecoveryInvalidState(ContractError):
    account: str


@dataclass
class RecoveryOwnApproval(ContractError):
    account: str


@dataclass
class RecoveryNotParty(ContractError):
    account: str
    caller: str


# --- OpenZeppelin errors the contracts can raise -------------------------------------


@dataclass
class AccessControlBadConfirmation(ContractError):
    pass


@dataclass
class AccessControlUnauthorizedAccount(ContractError):
    account: str
    needed_role: bytes


@dataclass
class ERC20InsufficientAllowance(ContractError):
    spender: str
    allowance: int
    needed: int


@dataclass
class ERC20InsufficientBalance(ContractError):
    sender: str
    balance: int
    needed: int


@dataclass
class ERC20InvalidApprover(ContractError):
    approver: str


@dataclass
class ERC20InvalidReceiver(ContractError):
    receiver: str


@dataclass
class ERC20InvalidSender(ContractError):
    sender: str


@dataclass
class ERC20InvalidSpender(ContractError):
    spender: str


# --- digital cash ---------------------------------------------------------------------


@dataclass
class CashRoleForbidden(ContractError):
    account: str


@dataclass
class CashHolderNotPermitted(ContractError):
    account: str


@dataclass
class CashHolderFrozen(ContractError):
    account: str


@dataclass
class CashInvalidAmount(ContractError):
    amount: int


@dataclass
class CashInsufficient(ContractError):
    payer: str
    balance: int
    needed: int


@dataclass
class CashMintLimitExceeded(ContractError):
    bank: str
    limit: int
    minted: int
    amount: int


# --- confidential cash (contracts/confidential) ---------------------------------------


@dataclass
class UnknownRoot(ContractError):
    root: int


@dataclass
class NullifierSpent(ContractError):
    nullifier: int


@dataclass
class DuplicateNullifier(ContractError):
    nullifier: int


@dataclass
class InvalidProof(ContractError):
    pass


@dataclass
class TreeFull(ContractError):
    pass


@dataclass
class NoteKeyInvalid(ContractError):
    x: int
    y: int


@dataclass
class NoteKeyTaken(ContractError):
    member: str


@dataclass
class DuplicateNote(ContractError):
    commitment: int


@dataclass
class PaymentAwaited(ContractError):
    id: int


@dataclass
class WrongDay(ContractError):
    day: int
    today: int


@dataclass
class NoteLocked(ContractError):
    nullifier: int


@dataclass
class DiscountNotPending(ContractError):
    id: int


@dataclass
class PresentmentNotPending(ContractError):
    id: int


@dataclass
class NotDiscountParty(ContractError):
    id: int


@dataclass
class DiscountCancelled(ContractError):
    commitment: int


@dataclass
class PaymentMismatch(ContractError):
    expected: int
    paid: int


@dataclass
class VerifyingKeyShape(ContractError):
    key: str
    inputs: int


@dataclass
class PublicInputOutOfField(ContractError):
    index: int


@dataclass
class NotOnCurve(ContractError):
    pass


# --- bill registry --------------------------------------------------------------------


@dataclass
class BillNotFound(ContractError):
    bill_id: int


@dataclass
class TransferNotFound(ContractError):
    transfer_id: int


@dataclass
class BillRoleForbidden(ContractError):
    account: str
    role: int


@dataclass
class BillNotParty(ContractError):
    bill_id: int
    account: str


@dataclass
class BillInvalidKind(ContractError):
    kind: int


@dataclass
class BillInvalidAmount(ContractError):
    amount: int


@dataclass
class BillInvalidMaturity(ContractError):
    issue_day: int
    maturity_day: int


@dataclass
class BillDocumentRequired(ContractError):
    pass


@dataclass
class RangeNotFound(ContractError):
    bill_id: int
    start: int


@dataclass
class RangeInvalidAmount(ContractError):
    bill_id: int
    start: int
    amount: int


@dataclass
class DiscountInvalidRate(ContractError):
    rate_micros: int


@dataclass
class DiscountInvalidAdjustDays(ContractError):
    adjust_days: int


@dataclass
class DishonorInvalidReason(ContractError):
    length: int


@dataclass
class BillInvalidCounterparty(ContractError):
    account: str


@dataclass
class BillInvalidState(ContractError):
    bill_id: int
    status: int


@dataclass
class RangeInvalidState(ContractError):
    bill_id: int
    start: int
    state: int


@dataclass
class RangeNoneEligible(ContractError):
    bill_id: int
    account: str


@dataclass
class TransferInvalidState(ContractError):
    transfer_id: int
    status: int


@dataclass
class FreezeUnchanged(ContractError):
    bill_id: int
    start: int
    frozen: bool


@dataclass
class RecourseTooEarly(ContractError):
    bill_id: int
    start: int
    presented_day: int
    today: int


@dataclass
class BillNotTransferable(ContractError):
    bill_id: int


@dataclass
class BillMatured(ContractError):
    bill_id: int
    maturity_day: int
    today: int


@dataclass
class BillNotMature(ContractError):
    bill_id: int
    maturity_day: int
    today: int


@dataclass
class BillFrozen(ContractError):
    bill_id: int


@dataclass
class RangeFrozen(ContractError):
    bill_id: int
    start: int


@dataclass
class DocumentAlreadyUsed(ContractError):
    document_hash: bytes


@dataclass
class RecourseInvalidTarget(ContractError):
    bill_id: int
    start: int
    target: str


@dataclass
class BillTooManyRanges(ContractError):
    bill_id: int
    max: int


@dataclass
class BillAcceptorOverdue(ContractError):
    bill_id: int
    until_day: int


@dataclass
class CourtOrderRequired(ContractError):
    pass


@dataclass
class RangeNotUnderOrder(ContractError):
    bill_id: int
    start: int
    order_hash: bytes


@dataclass
class GuaranteeExists(ContractError):
    bill_id: int
    guarantor: str


@dataclass
class GuaranteeLimit(ContractError):
    bill_id: int
    start: int
    guarantor: str


@dataclass
class SeizureTermsDiffer(ContractError):
    transfer_id: int
    beneficiary: str
    order_hash: bytes


@dataclass
class ExtensionCalledDirectly(ContractError):
    pass


# --- the admin timelock (OpenZeppelin's TimelockController) ----------------------------


@dataclass
class FailedCall(ContractError):
    pass


@dataclass
class TimelockInsufficientDelay(ContractError):
    delay: int
    min_delay: int


@dataclass
class TimelockInvalidOperationLength(ContractError):
    targets: int
    payloads: int
    values: int


@dataclass
class TimelockUnauthorizedCaller(ContractError):
    caller: str


@dataclass
class TimelockUnexecutedPredecessor(ContractError):
    predecessor_id: bytes


@dataclass
class TimelockUnexpectedOperationState(ContractError):
    """An operation executed before its delay passed, or scheduled twice."""

    operation_id: bytes
    expected_states: bytes


# --- the relay of signed operations (docs/SIGNING.md) ---------------------------------


@dataclass
class RelaySignatureExpired(ContractError):
    deadline: int
    timestamp: int


@dataclass
class RelayBadSignature(ContractError):
    signer: str


@dataclass
class RelayUnknownOperation(ContractError):
    selector: bytes


@dataclass
class RelayBatchItemFailed(ContractError):
    """Operation `index` of a batch reverted with `reason`, its own error: `ErrorDecoder` answers
    `BatchItemFailed` instead, with that error decoded (its code is the problem's)."""

    index: int
    reason: bytes


@dataclass
class RelayBatchInvalidSize(ContractError):
    size: int


@dataclass
class StringTooLong(ContractError):
    """OpenZeppelin ShortStrings (the relay's EIP-712 name): only at its construction."""

    str: str


@dataclass
class InvalidShortString(ContractError):
    """OpenZeppelin ShortStrings (the relay's EIP-712 name): only at its construction."""


@dataclass
class InvalidAccountNonce(ContractError):
    """The signature's nonce is not the signer's next (used, or ahead of it): OpenZeppelin Nonces' error,
    raised by the participant registry, which keeps each member's nonce."""

    account: str
    current_nonce: int


class BatchItemFailed(ChainError):
    """One operation of a batch failed (`RelayBatchItemFailed` decoded): `error` is its own, so the
    problem is the one the operation alone would have met, and `index` names it."""

    def __init__(self, index: int, error: ChainError) -> None:
        super().__init__(f"operation {index} of the batch: {error}")
        self.index = index
        self.error = error
        self.code: ProblemCode = getattr(error, "code", ProblemCode.CHAIN_UNAVAILABLE)


# --- decoding -------------------------------------------------------------------------

ERROR_CLASSES: dict[str, type[ContractError]] = {cls.__name__: cls for cls in ContractError.__subclasses__()}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass(frozen=True)
class _ErrorAbi:
    name: str
    types: tuple[str, ...]
    names: tuple[str, ...]


class ErrorDecoder:
    """Turns revert data into the matching ContractError, from the contracts' ABIs."""

    def __init__(self, abis: list[list[dict[str, Any]]]) -> None:
        self._by_selector: dict[bytes, _ErrorAbi] = {}
        for abi in abis:
            for entry in abi:
                if entry.get("type") != "error":
                    continue
                types = tuple(i["type"] for i in entry["inputs"])
                selector = keccak(text=f"{entry['name']}({','.join(types)})")[:4]
                names = tuple(snake(i["name"]) for i in entry["inputs"])
                self._by_selector[selector] = _ErrorAbi(entry["name"], types, names)

    def decode_unsent(self, data: bytes | str | None) -> ChainError:
        """`decode`'s error, found before anything was sent (`ChainError.unsent`)."""
        error = self.decode(data)
        error.unsent = True
        return error

    def decode(self, data: bytes | str | None) -> ChainError:
        raw = bytes.fromhex(data[2:] if data.startswith("0x") else data) if isinstance(data, str) else data or b""
        spec = self._by_selector.get(raw[:4])
        if spec is None or spec.name not in ERROR_CLASSES:
            return TransactionFailed(f"reverted with undecodable data 0x{raw.hex()}")
        values = decode(list(spec.types), raw[4:])
        kwargs = {
            name: to_checksum_address(v) if t == "address" else v
            for name, t, v in zip(spec.names, spec.types, values, strict=True)
        }
        error = ERROR_CLASSES[spec.name](**kwargs)
        if isinstance(error, RelayBatchItemFailed):
            return BatchItemFailed(error.index, self.decode(error.reason))
        return error
