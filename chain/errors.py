"""One Python exception per Solidity custom error, decoded from revert data.

Each class carries the stable problem code of API.md/DOMAIN.md it stands for; the
gateway maps codes to HTTP statuses in one place. A test keeps this module and the
contracts' ABIs equal, name for name and argument for argument.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any, ClassVar

from eth_abi import decode
from eth_utils import keccak, to_checksum_address


class ChainError(Exception):
    """Anything that went wrong talking to the chain."""


class ChainUnavailable(ChainError):
    """The node does not answer (CHAIN_UNAVAILABLE)."""

    code: ClassVar[str] = "CHAIN_UNAVAILABLE"


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

    code: ClassVar[str] = "FORBIDDEN"


class TransactionFailed(ChainError):
    """A transaction reverted without data this module can decode."""

    code: ClassVar[str] = "CHAIN_UNAVAILABLE"


@dataclass
class ContractError(ChainError):
    """A revert with a known custom error; subclasses are the errors, fields their arguments."""

    code: ClassVar[str] = "INVALID_STATE"

    def __str__(self) -> str:
        args = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))
        return f"{type(self).__name__}({args})"


# --- participant registry -----------------------------------------------------------


@dataclass
class ParticipantRoleForbidden(ContractError):
    code: ClassVar[str] = "FORBIDDEN"
    account: str
    role: int


@dataclass
class ParticipantNotRegistered(ContractError):
    code: ClassVar[str] = "NOT_FOUND"
    account: str


@dataclass
class ParticipantAlreadyRegistered(ContractError):
    code: ClassVar[str] = "INVALID_STATE"
    account: str


@dataclass
class ParticipantInvalidAccount(ContractError):
    code: ClassVar[str] = "INVALID_COUNTERPARTY"
    account: str


@dataclass
class ParticipantIdTaken(ContractError):
    code: ClassVar[str] = "INVALID_STATE"
    id: str
    account: str


@dataclass
class ParticipantInvalidProfile(ContractError):
    code: ClassVar[str] = "VALIDATION_ERROR"
    id: str


@dataclass
class ParticipantInvalidRole(ContractError):
    code: ClassVar[str] = "VALIDATION_ERROR"
    role: int


@dataclass
class ParticipantFrozen(ContractError):
    code: ClassVar[str] = "PARTICIPANT_FROZEN"
    account: str


@dataclass
class ParticipantInvalidStatus(ContractError):
    code: ClassVar[str] = "INVALID_STATE"
    account: str
    status: int


@dataclass
class ParticipantRegulatorDecides(ContractError):
    code: ClassVar[str] = "FORBIDDEN"
    account: str


@dataclass
class ParticipantPending(ContractError):
    code: ClassVar[str] = "FORBIDDEN"
    account: str


@dataclass
class ParticipantNotPending(ContractError):
    code: ClassVar[str] = "INVALID_STATE"
    account: str
    status: int


@dataclass
class ParticipantServedElsewhere(ContractError):
    code: ClassVar[str] = "INVALID_STATE"
    account: str
    gateway: str


# --- OpenZeppelin errors the contracts can raise -------------------------------------


@dataclass
class AccessControlBadConfirmation(ContractError):
    code: ClassVar[str] = "FORBIDDEN"


@dataclass
class AccessControlUnauthorizedAccount(ContractError):
    code: ClassVar[str] = "FORBIDDEN"
    account: str
    needed_role: bytes


@dataclass
class ERC20InsufficientAllowance(ContractError):
    code: ClassVar[str] = "INSUFFICIENT_CASH"
    spender: str
    allowance: int
    needed: int


@dataclass
class ERC20InsufficientBalance(ContractError):
    code: ClassVar[str] = "INSUFFICIENT_CASH"
    sender: str
    balance: int
    needed: int


@dataclass
class ERC20InvalidApprover(ContractError):
    code: ClassVar[str] = "INVALID_COUNTERPARTY"
    approver: str


@dataclass
class ERC20InvalidReceiver(ContractError):
    code: ClassVar[str] = "INVALID_COUNTERPARTY"
    receiver: str


@dataclass
class ERC20InvalidSender(ContractError):
    code: ClassVar[str] = "INVALID_COUNTERPARTY"
    sender: str


@dataclass
class ERC20InvalidSpender(ContractError):
    code: ClassVar[str] = "INVALID_COUNTERPARTY"
    spender: str


# --- digital cash ---------------------------------------------------------------------


@dataclass
class CashRoleForbidden(ContractError):
    code: ClassVar[str] = "FORBIDDEN"
    account: str


@dataclass
class CashHolderNotPermitted(ContractError):
    code: ClassVar[str] = "INVALID_COUNTERPARTY"
    account: str


@dataclass
class CashHolderFrozen(ContractError):
    code: ClassVar[str] = "PARTICIPANT_FROZEN"
    account: str


@dataclass
class CashInvalidAmount(ContractError):
    code: ClassVar[str] = "VALIDATION_ERROR"
    amount: int


@dataclass
class CashInsufficient(ContractError):
    code: ClassVar[str] = "INSUFFICIENT_CASH"
    payer: str
    balance: int
    needed: int


@dataclass
class CashMintLimitExceeded(ContractError):
    code: ClassVar[str] = "MINT_LIMIT_EXCEEDED"
    bank: str
    limit: int
    minted: int
    amount: int


# --- bill registry --------------------------------------------------------------------


@dataclass
class BillNotFound(ContractError):
    code: ClassVar[str] = "NOT_FOUND"
    bill_id: int


@dataclass
class TransferNotFound(ContractError):
    code: ClassVar[str] = "NOT_FOUND"
    transfer_id: int


@dataclass
class BillRoleForbidden(ContractError):
    code: ClassVar[str] = "FORBIDDEN"
    account: str
    role: int


@dataclass
class BillNotParty(ContractError):
    code: ClassVar[str] = "NOT_PARTY"
    bill_id: int
    account: str


@dataclass
class BillInvalidKind(ContractError):
    code: ClassVar[str] = "VALIDATION_ERROR"
    kind: int


@dataclass
class BillInvalidAmount(ContractError):
    code: ClassVar[str] = "VALIDATION_ERROR"
    amount: int


@dataclass
class BillInvalidMaturity(ContractError):
    code: ClassVar[str] = "VALIDATION_ERROR"
    issue_day: int
    maturity_day: int


@dataclass
class BillDocumentRequired(ContractError):
    code: ClassVar[str] = "VALIDATION_ERROR"


@dataclass
class RangeNotFound(ContractError):
    code: ClassVar[str] = "VALIDATION_ERROR"
    bill_id: int
    start: int


@dataclass
class RangeInvalidAmount(ContractError):
    code: ClassVar[str] = "VALIDATION_ERROR"
    bill_id: int
    start: int
    amount: int


@dataclass
class DiscountInvalidRate(ContractError):
    code: ClassVar[str] = "VALIDATION_ERROR"
    rate_micros: int


@dataclass
class DiscountInvalidAdjustDays(ContractError):
    code: ClassVar[str] = "VALIDATION_ERROR"
    adjust_days: int


@dataclass
class DishonorInvalidReason(ContractError):
    code: ClassVar[str] = "VALIDATION_ERROR"
    length: int


@dataclass
class BillInvalidCounterparty(ContractError):
    code: ClassVar[str] = "INVALID_COUNTERPARTY"
    account: str


@dataclass
class BillInvalidState(ContractError):
    code: ClassVar[str] = "INVALID_STATE"
    bill_id: int
    status: int


@dataclass
class RangeInvalidState(ContractError):
    code: ClassVar[str] = "INVALID_STATE"
    bill_id: int
    start: int
    state: int


@dataclass
class RangeNoneEligible(ContractError):
    code: ClassVar[str] = "INVALID_STATE"
    bill_id: int
    account: str


@dataclass
class TransferInvalidState(ContractError):
    code: ClassVar[str] = "INVALID_STATE"
    transfer_id: int
    status: int


@dataclass
class FreezeUnchanged(ContractError):
    code: ClassVar[str] = "INVALID_STATE"
    bill_id: int
    start: int
    frozen: bool


@dataclass
class RecourseTooEarly(ContractError):
    code: ClassVar[str] = "INVALID_STATE"
    bill_id: int
    start: int
    presented_day: int
    today: int


@dataclass
class BillNotTransferable(ContractError):
    code: ClassVar[str] = "NOT_TRANSFERABLE"
    bill_id: int


@dataclass
class BillMatured(ContractError):
    code: ClassVar[str] = "MATURED"
    bill_id: int
    maturity_day: int
    today: int


@dataclass
class BillNotMature(ContractError):
    code: ClassVar[str] = "NOT_MATURE"
    bill_id: int
    maturity_day: int
    today: int


@dataclass
class BillFrozen(ContractError):
    code: ClassVar[str] = "FROZEN"
    bill_id: int


@dataclass
class RangeFrozen(ContractError):
    code: ClassVar[str] = "FROZEN"
    bill_id: int
    start: int


@dataclass
class DocumentAlreadyUsed(ContractError):
    code: ClassVar[str] = "DOCUMENT_ALREADY_USED"
    document_hash: bytes


@dataclass
class RecourseInvalidTarget(ContractError):
    code: ClassVar[str] = "INVALID_RECOURSE_TARGET"
    bill_id: int
    start: int
    target: str


@dataclass
class BillTooManyRanges(ContractError):
    code: ClassVar[str] = "INVALID_STATE"
    bill_id: int
    max: int


# --- the admin timelock (OpenZeppelin's TimelockController) ----------------------------


@dataclass
class FailedCall(ContractError):
    code: ClassVar[str] = "INVALID_STATE"


@dataclass
class TimelockInsufficientDelay(ContractError):
    code: ClassVar[str] = "VALIDATION_ERROR"
    delay: int
    min_delay: int


@dataclass
class TimelockInvalidOperationLength(ContractError):
    code: ClassVar[str] = "VALIDATION_ERROR"
    targets: int
    payloads: int
    values: int


@dataclass
class TimelockUnauthorizedCaller(ContractError):
    code: ClassVar[str] = "FORBIDDEN"
    caller: str


@dataclass
class TimelockUnexecutedPredecessor(ContractError):
    code: ClassVar[str] = "INVALID_STATE"
    predecessor_id: bytes


@dataclass
class TimelockUnexpectedOperationState(ContractError):
    """An operation executed before its delay passed, or scheduled twice."""

    code: ClassVar[str] = "INVALID_STATE"
    operation_id: bytes
    expected_states: bytes


# --- the relay of signed operations (docs/SIGNING.md) ---------------------------------


@dataclass
class RelaySignatureExpired(ContractError):
    code: ClassVar[str] = "SIGNATURE_EXPIRED"
    deadline: int
    timestamp: int


@dataclass
class RelayBadSignature(ContractError):
    code: ClassVar[str] = "BAD_SIGNATURE"
    signer: str


@dataclass
class RelayUnknownOperation(ContractError):
    code: ClassVar[str] = "VALIDATION_ERROR"
    selector: bytes


@dataclass
class RelayBatchItemFailed(ContractError):
    """Operation `index` of a batch reverted with `reason`, its own error: `ErrorDecoder` answers
    `BatchItemFailed` instead, with that error decoded (its code is the problem's)."""

    code: ClassVar[str] = "VALIDATION_ERROR"
    index: int
    reason: bytes


@dataclass
class RelayBatchInvalidSize(ContractError):
    code: ClassVar[str] = "VALIDATION_ERROR"
    size: int


@dataclass
class StringTooLong(ContractError):
    """OpenZeppelin ShortStrings (the relay's EIP-712 name): only at its construction."""

    code: ClassVar[str] = "VALIDATION_ERROR"
    str: str


@dataclass
class InvalidShortString(ContractError):
    """OpenZeppelin ShortStrings (the relay's EIP-712 name): only at its construction."""

    code: ClassVar[str] = "VALIDATION_ERROR"


@dataclass
class InvalidAccountNonce(ContractError):
    """The signature's nonce is not the signer's next (used, or ahead of it): OpenZeppelin Nonces' error,
    raised by the participant registry, which keeps each member's nonce."""

    code: ClassVar[str] = "NONCE_USED"
    account: str
    current_nonce: int


class BatchItemFailed(ChainError):
    """One operation of a batch failed (`RelayBatchItemFailed` decoded): `error` is its own, so the
    problem is the one the operation alone would have met, and `index` names it."""

    def __init__(self, index: int, error: ChainError) -> None:
        super().__init__(f"operation {index} of the batch: {error}")
        self.index = index
        self.error = error
        self.code = getattr(error, "code", "CHAIN_UNAVAILABLE")


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
