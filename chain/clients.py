"""Typed clients, one per contract: writes sign and return TxResult, views return records."""

from __future__ import annotations

from typing import Any

from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from eth_utils import function_abi_to_4byte_selector, get_abi_input_types, to_checksum_address
from web3.contract import Contract
from web3.logs import DISCARD
from web3.types import EventData, TxReceipt

from chain.errors import snake
from chain.model import (
    ZERO_ADDRESS,
    ZERO_HASH,
    BillKind,
    BillRecord,
    BillStatus,
    Member,
    MemberStatus,
    OverdueRecord,
    RangeRecord,
    RangeState,
    RecoveryRecord,
    Role,
    Rules,
    TransferKind,
    TransferRecord,
    TransferStatus,
)
from chain.relay import RelayClient, SignedBy, Unsigned
from chain.tx import EncodedCall, Transactor, TxResult

#: who a write is for: a key this process holds, or a participant that signs for itself (chain/relay.py)
Signer = LocalAccount | SignedBy | Unsigned


def _opt_address(address: str) -> str | None:
    return None if address == ZERO_ADDRESS else address


def _opt_hash(value: bytes) -> bytes | None:
    return None if bytes(value) == ZERO_HASH else bytes(value)


def _abi_type(output: dict[str, Any]) -> str:
    """An ABI output's type as eth-abi spells it: a tuple's components in parentheses."""
    kind = str(output["type"])
    if not kind.startswith("tuple"):
        return kind
    return "(" + ",".join(_abi_type(c) for c in output["components"]) + ")" + kind[len("tuple") :]


def _named(output: dict[str, Any], value: Any) -> Any:
    """A decoded value with its struct fields by name (addresses checksummed, as web3.py gives them)."""
    kind = str(output["type"])
    if kind.startswith("tuple"):
        if kind.endswith("]"):
            element = {**output, "type": kind[: kind.rindex("[")]}
            return [_named(element, v) for v in value]
        return {c["name"]: _named(c, v) for c, v in zip(output["components"], value, strict=True)}
    if kind.startswith("address"):
        return [to_checksum_address(v) for v in value] if kind.endswith("]") else to_checksum_address(value)
    return value


class ContractClient:
    def __init__(self, contract: Contract, tx: Transactor, relay: RelayClient | None = None) -> None:
        self.contract = contract
        self.tx = tx
        self.relay = relay
        self._encoders: dict[str, tuple[bytes, list[str]]] = {}
        self._outputs: dict[str, list[dict[str, Any]]] = {}

    @property
    def address(self) -> ChecksumAddress:
        return self.contract.address

    def _send(self, signer: Signer, fn: str, *args: Any) -> TxResult:
        """Sign and send with a held key, or relay what the participant signed (chain/relay.py)."""
        call = self.encode(fn, *args)
        if isinstance(signer, SignedBy | Unsigned):
            assert self.relay is not None, "no relay to send a signed operation through"
            return self.relay.send(signer, call)
        return self.tx.send(signer, call)

    def encode(self, fn: str, *args: Any) -> EncodedCall:
        """The call to `fn`, encoded: its selector and argument types are worked out once per function
        (web3.py's contract functions resolve the whole ABI again on every call)."""
        if fn not in self._encoders:
            abi = self.contract.get_function_by_name(fn).abi
            self._encoders[fn] = (function_abi_to_4byte_selector(abi), list(get_abi_input_types(abi)))
        selector, types = self._encoders[fn]
        return EncodedCall(self.contract.address, selector + self.contract.w3.codec.encode(types, args))

    def view(self, fn: str, *args: Any) -> Any:
        """A view's answer, decoded by the ABI's names: one output as itself, a struct as a dict by field name
        (an array of them as a list of dicts), several outputs as a dict by name. Sent as one eth_call,
        encoded and decoded with types worked out once per function (web3.py's `.call()` resolves the ABI and
        formats every value again on every call). A revert raises its typed error (chain/errors.py)."""
        call = self.encode(fn, *args)
        if fn not in self._outputs:
            self._outputs[fn] = list(self.contract.get_function_by_name(fn).abi["outputs"])
        outputs, backend = self._outputs[fn], self.tx.backend
        try:
            raw = backend.call(call.to, call.data)
        except backend.revert_errors as exc:
            raise self.tx.decoder.decode_unsent(backend.revert_data(exc)) from None
        values = self.contract.w3.codec.decode([_abi_type(o) for o in outputs], raw)
        if len(outputs) == 1:
            return _named(outputs[0], values[0])
        return {o["name"]: _named(o, v) for o, v in zip(outputs, values, strict=True)}

    def events(self, result: TxResult, name: str) -> list[EventData]:
        """The `name` events this contract emitted in a transaction."""
        return self.events_in(result.receipt, name)

    def events_in(self, receipt: TxReceipt, name: str) -> list[EventData]:
        return list(self.contract.events[name]().process_receipt(receipt, errors=DISCARD))


class ParticipantRegistryClient(ContractClient):
    def register(
        self,
        operator: LocalAccount,
        account: str,
        role: Role,
        participant_id: str | None = None,
        name: str | None = None,
        credit_code: str | None = None,
        gateway: str | None = None,
    ) -> tuple[int, TxResult]:
        """Onboard `account` under `participant_id` (unique on the chain; by default one made of its
        address), with its name (the id by default) and credit code, as every gateway's directory shows;
        `gateway` serves it (a gateway's operator address), or none yet: the first to `claim` it."""
        if participant_id is None:
            participant_id = f"member-{account[2:12].lower()}"
        args = [account, int(role), participant_id, participant_id if name is None else name, credit_code or ""]
        args.append(gateway or ZERO_ADDRESS)
        if len(self.contract.get_function_by_name("register").abi["inputs"]) == len(args) - 1:
            assert gateway is None, "a registry older than issue 24 records no gateway"
            args.pop()  # such a registry is only ever deployed by `billchain gas-bench --against` an older revision
        result = self._send(operator, "register", *args)
        return self.registered_code(result), result

    def approve(self, regulator: Signer, account: str) -> TxResult:
        """An ACTIVE REGULATOR approves a PENDING one."""
        return self._send(regulator, "approve", account)

    def active_regulators(self) -> int:
        return int(self.view("activeRegulators"))

    def request_recovery(self, operator: Signer, account: str, new_account: str) -> TxResult:
        """The OPERATOR asks that `account` (its key lost) act from `new_account`."""
        return self._send(operator, "requestRecovery", account, new_account)

    def approve_recovery(self, regulator: Signer, account: str, new_account: str) -> TxResult:
        """An ACTIVE REGULATOR approves the recovery of `account` to `new_account` (effective 72 h later)."""
        return self._send(regulator, "approveRecovery", account, new_account)

    def cancel_recovery(self, participant: Signer, account: str) -> TxResult:
        """The participant itself cancels a recovery of it that has not taken effect."""
        return self._send(participant, "cancelRecovery", account)

    def complete_recovery(self, anyone: Signer, account: str) -> TxResult:
        """Anyone completes a recovery that took effect: record, id, gateway and cash move to the new address."""
        return self._send(anyone, "completeRecovery", account)

    def recovery_of(self, account: str) -> RecoveryRecord | None:
        v = self.view("recoveryOf", account)
        if v["newAccount"] == ZERO_ADDRESS:
            return None
        return RecoveryRecord(new_account=v["newAccount"], effective_at=int(v["effectiveAt"]) or None)

    def claim(self, gateway: LocalAccount, account: str) -> TxResult:
        """`gateway` (its operator key) serves `account` from now on (ParticipantServedElsewhere if another does)."""
        return self._send(gateway, "claim", account)

    def release(self, signer: Signer, account: str) -> TxResult:
        """The gateway serving `account`, or the member itself, ends that gateway's service."""
        return self._send(signer, "release", account)

    def gateway_of(self, account: str) -> str | None:
        """The operator address of the gateway serving `account`, or None."""
        return _opt_address(self.view("gatewayOf", account))

    def is_operator(self, account: str) -> bool:
        """Whether `account` holds the platform's OPERATOR role (it onboards and freezes)."""
        return bool(self.view("isOperator", account))

    def account_of_id(self, participant_id: str) -> str | None:
        """The account onboarded as `participant_id`, or None."""
        return _opt_address(self.view("accountOfId", participant_id))

    def registered_code(self, result: TxResult) -> int:
        """The member code the registration in `result` was given."""
        return int(self.events(result, "ParticipantRegistered")[0]["args"]["code"])

    def freeze(self, signer: Signer, account: str) -> TxResult:
        return self._send(signer, "freeze", account)

    def unfreeze(self, signer: Signer, account: str) -> TxResult:
        return self._send(signer, "unfreeze", account)

    def frozen_by_regulator(self, account: str) -> bool:
        return bool(self.view("frozenByRegulator", account))

    def member(self, account: str) -> Member:
        m = self.view("membershipOf", account)
        return Member(
            m["code"], Role(m["role"]) if m["role"] else None, MemberStatus(m["status"]) if m["status"] else None
        )

    def account_of(self, code: int) -> str | None:
        return _opt_address(self.view("accountOf", code))

    def member_count(self) -> int:
        return int(self.view("memberCount"))


class DigitalCashClient(ContractClient):
    def mint(self, bank: Signer, to: str, amount: int) -> TxResult:
        return self._send(bank, "mint", to, amount)

    def transfer(self, sender: Signer, to: str, amount: int) -> TxResult:
        return self._send(sender, "transfer", to, amount)

    def set_mint_limit(self, regulator: Signer, bank: str, limit: int) -> TxResult:
        return self._send(regulator, "setMintLimit", bank, limit)

    def mint_limit_of(self, bank: str) -> tuple[int, int]:
        """(limit, minted), in fen."""
        v = self.view("mintLimitOf", bank)
        return int(v["limit"]), int(v["minted"])

    def settler(self) -> str:
        return str(self.view("settler"))

    def balance_of(self, account: str) -> int:
        return int(self.view("balanceOf", account))

    def total_supply(self) -> int:
        return int(self.view("totalSupply"))

    def total_minted(self) -> int:
        return int(self.view("totalMinted"))


class BillRegistryClient(ContractClient):
    # --- bills
    def issue(
        self,
        drawer: Signer,
        *,
        kind: BillKind,
        acceptor: str,
        payee: str,
        amount: int,
        maturity_day: int,
        transferable: bool = True,
        document_hash: bytes | None = None,
    ) -> tuple[int, TxResult]:
        result = self._send(
            drawer, "issue", int(kind), acceptor, payee, amount, maturity_day, transferable, document_hash or ZERO_HASH
        )
        return self.issued_bill_id(result), result

    def issued_bill_id(self, result: TxResult, nth: int = 0) -> int:
        """The bill an `issue` transaction drew (a batch's `nth` issue)."""
        return int(self.events(result, "BillIssued")[nth]["args"]["billId"])

    def accept(self, signer: Signer, bill_id: int) -> TxResult:
        return self._send(signer, "accept", bill_id)

    def reject(self, signer: Signer, bill_id: int) -> TxResult:
        return self._send(signer, "reject", bill_id)

    def receive(self, signer: Signer, bill_id: int) -> TxResult:
        return self._send(signer, "receiveBill", bill_id)

    def cancel(self, signer: Signer, bill_id: int) -> TxResult:
        return self._send(signer, "cancel", bill_id)

    # --- transfers
    def requested_transfer_id(self, result: TxResult, nth: int = 0) -> int:
        """The transfer an endorse, discount, pledge or recourse transaction requested (a batch's `nth`)."""
        return int(self.events(result, "TransferRequested")[nth]["args"]["transferId"])

    def endorse(
        self,
        holder: Signer,
        bill_id: int,
        start: int,
        amount: int,
        to: str,
        document_hash: bytes | None = None,
        restrictive: bool = False,
    ) -> tuple[int, TxResult]:
        args: list[Any] = [bill_id, start, amount, to, document_hash or ZERO_HASH]
        if len(self.contract.get_function_by_name("endorse").abi["inputs"]) > len(args):
            args.append(restrictive)
        else:
            assert not restrictive, "a registry older than issue 27 endorses nothing restrictively"
        result = self._send(holder, "endorse", *args)
        return self.requested_transfer_id(result), result

    def guarantee(
        self, party: Signer, bill_id: int, guarantor: str, start: int = 0, amount: int = 0
    ) -> tuple[int, TxResult]:
        """The drawer or acceptor (`start` 0), or a holder for `amount` of its range at `start`, asks `guarantor`."""
        result = self._send(party, "guarantee", bill_id, start, amount, guarantor)
        return self.requested_transfer_id(result), result

    def discount(
        self,
        holder: Signer,
        bill_id: int,
        start: int,
        amount: int,
        bank: str,
        rate_micros: int,
        adjust_days: int = 0,
        document_hash: bytes | None = None,
    ) -> tuple[int, TxResult]:
        result = self._send(
            holder, "discount", bill_id, start, amount, bank, rate_micros, adjust_days, document_hash or ZERO_HASH
        )
        return self.requested_transfer_id(result), result

    def pledge(self, holder: Signer, bill_id: int, start: int, amount: int, bank: str) -> tuple[int, TxResult]:
        result = self._send(holder, "pledge", bill_id, start, amount, bank)
        return self.requested_transfer_id(result), result

    def recourse(self, holder: Signer, bill_id: int, start: int, against: str) -> tuple[int, TxResult]:
        result = self._send(holder, "recourse", bill_id, start, against)
        return self.requested_transfer_id(result), result

    def sign(self, signer: Signer, transfer_id: int) -> TxResult:
        return self._send(signer, "sign", transfer_id)

    def reject_transfer(self, signer: Signer, transfer_id: int) -> TxResult:
        return self._send(signer, "rejectTransfer", transfer_id)

    def revoke(self, signer: Signer, transfer_id: int) -> TxResult:
        return self._send(signer, "revoke", transfer_id)

    # --- pledge, maturity, freeze
    def release(self, signer: Signer, bill_id: int, start: int) -> TxResult:
        return self._send(signer, "release", bill_id, start)

    def present(self, signer: Signer, bill_id: int, start: int | None = None) -> TxResult:
        if start is None:
            return self._send(signer, "presentAll", bill_id)
        return self._send(signer, "present", bill_id, start)

    def pay(self, signer: Signer, bill_id: int, start: int | None = None) -> TxResult:
        if start is None:
            return self._send(signer, "payAll", bill_id)
        return self._send(signer, "pay", bill_id, start)

    def dishonor(self, signer: Signer, bill_id: int, reason: str, start: int | None = None) -> TxResult:
        if start is None:
            return self._send(signer, "dishonorAll", bill_id, reason)
        return self._send(signer, "dishonor", bill_id, start, reason)

    def freeze(self, signer: Signer, bill_id: int, start: int | None = None) -> TxResult:
        return self._send(signer, "freeze", bill_id, start or 0)

    def unfreeze(self, signer: Signer, bill_id: int, start: int | None = None) -> TxResult:
        return self._send(signer, "unfreeze", bill_id, start or 0)

    def freeze_under_order(self, signer: Signer, bill_id: int, order_hash: bytes, start: int | None = None) -> TxResult:
        """A REGULATOR's judicial freeze of the bill or of the range at `start`, naming the court's order."""
        return self._send(signer, "freezeUnderOrder", bill_id, start or 0, order_hash)

    # --- court orders
    def seize(self, regulator: Signer, bill_id: int, start: int, to: str, order_hash: bytes) -> tuple[int, TxResult]:
        result = self._send(regulator, "seize", bill_id, start, to, order_hash)
        return self.requested_transfer_id(result), result

    def confirm_seizure(self, signer: Signer, transfer_id: int, to: str, order_hash: bytes) -> TxResult:
        return self._send(signer, "confirmSeizure", transfer_id, to, order_hash)

    def reject_seizure(self, signer: Signer, transfer_id: int) -> TxResult:
        return self._send(signer, "rejectSeizure", transfer_id)

    # --- views
    def bill(self, bill_id: int) -> BillRecord:
        v = self.view("billOf", bill_id)
        return BillRecord(
            bill_id=bill_id,
            kind=BillKind(v["kind"]),
            status=BillStatus(v["status"]),
            transferable=v["transferable"],
            frozen=v["frozen"],
            order_hash=_opt_hash(v["orderHash"]),
            drawer=v["drawer"],
            acceptor=v["acceptor"],
            payee=v["payee"],
            amount=v["amount"],
            paid_amount=v["paidAmount"],
            issue_day=v["issueDay"],
            maturity_day=v["maturityDay"],
            document_hash=_opt_hash(v["documentHash"]),
        )

    @staticmethod
    def _range(v: dict[str, Any]) -> RangeRecord:
        return RangeRecord(
            start=v["start"],
            end=v["end"],
            holder=v["holder"],
            state=RangeState(v["state"]),
            frozen=v["frozen"],
            order_hash=_opt_hash(v["orderHash"]),
            late=v["late"],
            pledgee=_opt_address(v["pledgee"]),
            presented_at=v["presentedAt"] or None,
        )

    def range(self, bill_id: int, start: int) -> RangeRecord:
        return self._range(self.view("rangeOf", bill_id, start))

    def ranges(self, bill_id: int) -> list[RangeRecord]:
        return [self._range(v) for v in self.view("rangesOf", bill_id)]

    def transfer(self, transfer_id: int) -> TransferRecord:
        v = self.view("transferOf", transfer_id)
        return TransferRecord(
            transfer_id=transfer_id,
            bill_id=v["billId"],
            start=v["start"],
            end=v["end"],
            kind=TransferKind(v["kind"]),
            status=TransferStatus(v["status"]),
            prior_state=RangeState(v["priorState"]) if v["priorState"] else None,
            # the fields issue 27 added are absent from older artifacts, which `gas-bench --against` deploys
            from_=v.get("from", ""),
            to=v["to"],
            price=v["price"],
            document_hash=_opt_hash(v["documentHash"]),
            restrictive=v.get("restrictive", False),
            order_hash=_opt_hash(v.get("orderHash", ZERO_HASH)),
        )

    def endorsement_chain(self, bill_id: int, start: int) -> list[str]:
        return list(self.view("endorsementChain", bill_id, start))

    def liable_to(self, bill_id: int, start: int, target: str) -> bool:
        """Whether a recourse claim on the range against `target` passes the liability check now."""
        return bool(self.view("liableTo", bill_id, start, target))

    def bill_guarantees_of(self, bill_id: int, guarantor: str) -> int:
        """The parties of the bill `guarantor` guarantees as a whole: bit 0 the drawer, bit 1 the acceptor."""
        return int(self.view("billGuaranteesOf", bill_id, guarantor))

    def overdue_of(self, acceptor: str) -> OverdueRecord:
        v = self.view("overdueOf", acceptor)
        return OverdueRecord(
            latest=int(v["latest"]),
            second=int(v["second"]),
            third=int(v["third"]),
            overdue_until=int(v["overdueUntil"]),
            persistently=bool(v["persistently"]),
        )

    def order_of(self, bill_id: int, start: int = 0) -> bytes | None:
        return _opt_hash(self.view("orderOf", bill_id, start))

    def discount_price(self, bill_id: int, amount: int, rate_micros: int, adjust_days: int) -> int:
        """The price a discount requested now would carry, computed by the contract that fixes it."""
        return int(self.view("discountPrice", bill_id, amount, rate_micros, adjust_days))

    def bill_count(self) -> int:
        return int(self.view("billCount"))

    def transfer_count(self) -> int:
        return int(self.view("transferCount"))

    def is_document_anchored(self, document_hash: bytes) -> bool:
        return bool(self.view("isDocumentAnchored", document_hash))

    def today(self) -> int:
        return int(self.view("today"))

    def rules(self) -> Rules:
        """Who may do what and the bounds, as the contract checks them (it never changes: read once)."""
        return Rules(**{snake(name): int(value) for name, value in self.view("rules").items()})
