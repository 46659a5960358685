"""Onboarding, listing and freezing participants."""

from __future__ import annotations

import logging

from eth_utils import to_checksum_address
from sqlalchemy import select

from chain.model import Operation, Role
from chain.problem_codes import ProblemCode
from chain.tx import TxResult
from gateway.core.db import ParticipantRow, TokenEventRow
from gateway.core.money import format_amount, parse_amount
from gateway.core.problems import Problem
from gateway.core.schemas import (
    HostedKeyCreate,
    HostedKeyOut,
    MintLimitOut,
    MintLimitSet,
    OnboardedOut,
    ParticipantCreate,
    ParticipantOut,
    ParticipantPage,
    RecoveryCreate,
    ServeCreate,
    TokenEventOut,
    TokenEventPage,
    TokenOut,
)
from gateway.ledger.outbox import Answer
from gateway.ledger.runtime import Runtime
from gateway.services import tokens, views
from gateway.services.answers import Answers
from gateway.services.base import Service
from gateway.services.caller import Caller
from gateway.services.standing import GOOD, chain_today, standings

#: not a participant's id: the operator's, and the relayer's key (it sends what self-custody participants sign)
log = logging.getLogger(__name__)

RESERVED = {"operator", "relayer", "viewing"}  # the gateway's own keys' names (chain.keys)
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_valid(code: str) -> bool:
    """GB 32100-2015: the 18th character is a check character over the first 17."""
    if len(code) != 18 or any(c not in CREDIT_CHARS for c in code):
        return False
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(code[:17], CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31] == code[17]


class Participants(Service):
    def __init__(self, runtime: Runtime, answers: Answers) -> None:
        super().__init__(runtime, answers)
        #: the ids being onboarded now. An id is checked and taken here in one step of the event loop (no
        #: request runs in between: nothing yields before the key is made), so two requests never take one id;
        #: nothing else is held while an onboarding waits for its block, and onboardings share blocks.
        #: The chain keeps ids and addresses unique whatever a gateway does (ParticipantIdTaken, ...).
        self._onboarding: set[str] = set()

    def onboard(self, caller: Caller, body: ParticipantCreate) -> OnboardedOut:
        """Register a participant on the chain, where every gateway's directory reads it; this gateway
        serves it unless `serve` is false (then another institution's gateway does: `serve`)."""
        self.require_role(caller, "OPERATOR")
        if body.credit_code is not None and not credit_code_valid(body.credit_code):
            raise Problem(ProblemCode.VALIDATION_ERROR, "credit_code: the check character is wrong (GB 32100-2015)")
        if not self.rt.system.registry.is_operator(self.rt.operator.address):
            raise Problem(
                ProblemCode.FORBIDDEN,
                "this gateway's operator is not the platform's OPERATOR (it joined another gateway's platform): "
                "participants are onboarded at the operator's gateway, then served here (docs/GATEWAYS.md)",
            )
        if not body.serve and body.address is None:
            raise Problem(
                ProblemCode.VALIDATION_ERROR, "address: a participant another gateway serves comes with its address"
            )
        participant_id = body.id or self._free_id(body.role.name.lower(), self.rt.system.registry.member_count() + 1)
        taken = participant_id in RESERVED or participant_id in self._onboarding
        if taken or self.participant(participant_id) is not None:
            raise Problem(ProblemCode.INVALID_STATE, f"participant {participant_id!r} exists")
        self._onboarding.add(participant_id)
        try:
            return self._register(caller, body, participant_id)
        finally:
            self._onboarding.discard(participant_id)

    def _register(self, caller: Caller, body: ParticipantCreate, participant_id: str) -> OnboardedOut:
        if body.address is not None:  # self-custody, or served elsewhere: the gateway never sees its key
            address = to_checksum_address(body.address)
            own = {self.rt.operator.address, self.rt.relayer.address, *self.rt.system.addresses.values()}
            if address in own:
                raise Problem(
                    ProblemCode.INVALID_COUNTERPARTY,
                    "address: the platform's own accounts and contracts are not participants",
                )
        else:
            account = self.blocking(lambda: self.rt.keystore.get_or_create(participant_id))  # scrypt: ~0.1 s
            address = account.address
        self.blocking(lambda: self.rt.backend.fund(address))  # dev chains: gas to send its own transactions
        self.blocking(lambda: self.rt.backend.allow_account(address))  # a permissioned network
        custody = "hosted" if body.address is None or self._holds(participant_id, address) else "self"
        custody = custody if body.serve else "elsewhere"
        answer = Answer("onboard", {"id": participant_id, "custody": custody})
        registry, operator = self.rt.system.registry, self.rt.operator
        gateway = operator.address if body.serve else None  # on chain: this gateway serves it (GATEWAYS.md)

        def register() -> tuple[int, TxResult]:
            result = registry.register(
                operator, address, body.role, participant_id, body.name, body.credit_code, gateway
            )
            if custody == "hosted":
                self._register_note_key(participant_id, address, body.role)
            return result

        return self.write("register", register, answer, OnboardedOut)

    def _register_note_key(self, participant_id: str, address: str, role: Role) -> bool:
        """On a confidential platform, a hosted participant that holds cash joins the note-key directory (sent
        with its own key) when it joins the platform, not when it first receives, which would tell a node who is
        about to. Whether it was registered now; a failure is logged, never the onboarding's (the gateway's
        next start registers it: `register_note_keys`)."""
        zk = self.rt.confidential
        if zk is None or role.name not in {r.name for r in self.rt.rules.roles_for(Operation.TRANSFER_CASH)}:
            return False
        try:
            if zk.ledger.note_key_of(address) is not None:
                return False
            account = self.blocking(lambda: self.rt.keystore.load(participant_id))  # scrypt, and the prover
            key = self.blocking(lambda: zk.note_key(participant_id, self_custody=False).pk)
            with self.own_step("register_note_key", signer=participant_id):
                zk.ledger.register_note_key(account, key)
            return True
        except Exception as failed:  # the participant is on chain all the same: its onboarding is answered
            log.warning("%s's note key not registered (it will be at the next start): %s", participant_id, failed)
            return False

    def register_note_keys(self) -> int:
        """At the gateway's start on a confidential platform: the hosted ACTIVE participants that hold cash and
        have no note key in the directory register theirs (an earlier version's, or one whose onboarding's
        registration failed), all at once and apart from any payment. How many were registered."""
        if self.rt.confidential is None:
            return 0
        with self.rt.db.session() as s:
            hosted = s.scalars(
                select(ParticipantRow).where(ParticipantRow.custody == "hosted", ParticipantRow.status == "ACTIVE")
            )
            rows = [(row.id, row.address, Role[row.role]) for row in hosted]
        return sum(self._register_note_key(pid, address, role) for pid, address, role in rows)

    def approve(self, caller: Caller, participant_id: str) -> ParticipantOut:
        """An ACTIVE REGULATOR approves a PENDING one (DOMAIN.md): only then may it act, on chain."""
        row = self.participant(participant_id)
        if row is None:
            raise Problem(ProblemCode.NOT_FOUND, f"no participant {participant_id!r}")
        self.require_role(caller, "REGULATOR")
        if row.status != "PENDING":
            raise Problem(
                ProblemCode.INVALID_STATE, f"{participant_id} is {row.status}: only a PENDING regulator is approved"
            )
        signer, registry = self.signer(caller), self.rt.system.registry
        answer = Answer("participant", {"id": row.id})
        return self.write(
            "approve_participant", lambda: registry.approve(signer.account, row.address), answer, ParticipantOut
        )

    # --- key recovery (DOMAIN.md): the OPERATOR requests, a REGULATOR approves, the participant may cancel
    def _known(self, participant_id: str) -> ParticipantRow:
        row = self.participant(participant_id)
        if row is None:
            raise Problem(ProblemCode.NOT_FOUND, f"no participant {participant_id!r}")
        return row

    def request_recovery(self, caller: Caller, participant_id: str, body: RecoveryCreate) -> ParticipantOut:
        """The OPERATOR asks that a self-custody participant that lost its key act from `body.address`; a
        REGULATOR approves it, and it takes effect 72 hours later unless the participant cancels it."""
        row = self._known(participant_id)
        self.require_role(caller, "OPERATOR")
        if row.custody == "hosted":
            raise Problem(
                ProblemCode.VALIDATION_ERROR,
                f"{participant_id}'s key is held by this gateway (hosted): a key recovery is for a participant "
                "that holds its own key",
            )
        address = to_checksum_address(body.address)
        if address == row.address:
            raise Problem(ProblemCode.VALIDATION_ERROR, f"address: {participant_id} acts from {address} already")
        if self.rt.system.registry.member(address).code != 0:
            raise Problem(ProblemCode.VALIDATION_ERROR, f"address: {address} is a member already: a new key is new")
        registry, operator = self.rt.system.registry, self.rt.operator
        answer = Answer("participant", {"id": row.id, "created": True})
        send = lambda: registry.request_recovery(operator, row.address, address)  # noqa: E731
        return self.write("request_recovery", send, answer, ParticipantOut)

    def approve_recovery(self, caller: Caller, participant_id: str) -> ParticipantOut:
        """A REGULATOR (not the participant itself) approves the recovery requested, naming its new address."""
        row = self._known(participant_id)
        self.require_role(caller, "REGULATOR")
        if caller.id == participant_id:
            raise Problem(ProblemCode.FORBIDDEN, "another REGULATOR approves a regulator's own key recovery")
        if row.recovery_address is None or row.recovery_effective_at is not None:
            state = "none is requested" if row.recovery_address is None else "it is approved already"
            raise Problem(ProblemCode.INVALID_STATE, f"no key recovery of {participant_id} awaits approval: {state}")
        new, signer, registry = row.recovery_address, self.signer(caller), self.rt.system.registry
        send = lambda: registry.approve_recovery(signer.account, row.address, new)  # noqa: E731
        return self.write("approve_recovery", send, Answer("participant", {"id": row.id}), ParticipantOut)

    def cancel_recovery(self, caller: Caller, participant_id: str) -> ParticipantOut:
        """The participant, with its current key, cancels a recovery of itself before it takes effect."""
        row = self._known(participant_id)
        if caller.id != participant_id:
            raise Problem(ProblemCode.NOT_PARTY, f"only {participant_id} itself, with its current key, cancels")
        if row.recovery_address is None:
            raise Problem(ProblemCode.INVALID_STATE, f"no key recovery of {participant_id} is requested")
        signer, registry = self.signer(caller), self.rt.system.registry
        send = lambda: registry.cancel_recovery(signer.account, row.address)  # noqa: E731
        return self.write("cancel_recovery", send, Answer("participant", {"id": row.id}), ParticipantOut)

    def _holds(self, participant_id: str, address: str) -> bool:
        """Whether this gateway's keystore holds `participant_id`'s key at `address` (POST /v1/hosted-keys)."""
        keystore = self.rt.keystore
        if not keystore.exists(participant_id):
            return False
        return bool(self.blocking(lambda: keystore.load(participant_id)).address == address)

    def _free_id(self, prefix: str, n: int) -> str:
        while f"{prefix}-{n}" in self._onboarding or self.participant(f"{prefix}-{n}") is not None:
            n += 1
        return f"{prefix}-{n}"

    def get(self, participant_id: str) -> ParticipantOut:
        with self.rt.db.session() as s:
            row = s.get(ParticipantRow, participant_id)
            if row is None:
                raise Problem(ProblemCode.NOT_FOUND, f"no participant {participant_id!r}")
            return self.answers.participant(s, row)

    def list(self, limit: int, cursor: str | None) -> ParticipantPage:
        after = int(cursor) if cursor else 0
        with self.rt.db.session() as s:
            rows = list(
                s.scalars(
                    select(ParticipantRow)
                    .where(ParticipantRow.seq > after)
                    .order_by(ParticipantRow.seq)
                    .limit(limit + 1)
                )
            )
            shown, next_cursor = views.page(rows, limit, lambda r: r.seq)
            today = chain_today(s)
            found = standings(s, [r.id for r in shown], today, self.rt.rules.overdue_window_days)
            items = [views.participant(r, found.get(r.id, GOOD)) for r in shown]
        return ParticipantPage(items=items, next_cursor=next_cursor)

    def set_frozen(self, caller: Caller, participant_id: str, frozen: bool) -> ParticipantOut:
        self.require_role(caller, "OPERATOR", "REGULATOR")
        row = self.participant(participant_id)
        if row is None:
            raise Problem(ProblemCode.NOT_FOUND, f"no participant {participant_id!r}")
        signer = self.signer(caller)
        registry = self.rt.system.registry
        action = registry.freeze if frozen else registry.unfreeze
        operation = "freeze_participant" if frozen else "unfreeze_participant"
        answer = Answer("participant", {"id": row.id})
        return self.write(operation, lambda: action(signer.account, row.address), answer, ParticipantOut)

    # --- tokens: one at a time; a new one replaces the old at once, and each is recorded (services/tokens.py)
    def rotate_own(self, caller: Caller) -> TokenOut:
        """A participant's new token (it lost it, or rotates it): the old one stops working at once."""
        if caller.participant is None:
            raise Problem(
                ProblemCode.FORBIDDEN, "the operator's token comes from BILLCHAIN_OPERATOR_TOKEN or the data dir"
            )
        return self._new_token(caller.id, by=caller.id, kind="ROTATED")

    def reissue(self, caller: Caller, participant_id: str) -> TokenOut:
        """The operator issues a participant a new token; every earlier one stops working (revoked). The
        participant and REGULATORs see it happened (`token_events`)."""
        self.require_role(caller, "OPERATOR")
        self._served(participant_id)
        return self._new_token(participant_id, by="operator", kind="REISSUED")

    def token_events(self, caller: Caller, participant_id: str, limit: int, cursor: str | None) -> TokenEventPage:
        """Every token this gateway issued for the participant, oldest first: the participant, REGULATORs and
        the operator read them."""
        if self.participant(participant_id) is None:
            raise Problem(ProblemCode.NOT_FOUND, f"no participant {participant_id!r}")
        if caller.id != participant_id and not caller.sees_everything:
            raise Problem(
                ProblemCode.FORBIDDEN, "a participant's token events are its own, REGULATORs' and the operator's"
            )
        after = int(cursor) if cursor else 0
        with self.rt.db.session() as s:
            rows = list(
                s.scalars(
                    select(TokenEventRow)
                    .where(TokenEventRow.participant == participant_id, TokenEventRow.id > after)
                    .order_by(TokenEventRow.id)
                    .limit(limit + 1)
                )
            )
        shown, next_cursor = views.page(rows, limit, lambda r: r.id)
        items = [TokenEventOut(at=views.iso(r.at) or "", by=r.by, kind=r.kind) for r in shown]  # type: ignore[arg-type]
        return TokenEventPage(items=items, next_cursor=next_cursor)

    # --- a gateway per institution (docs/GATEWAYS.md): which members this one serves
    def _served(self, participant_id: str) -> ParticipantRow:
        row = self.participant(participant_id)
        if row is None:
            raise Problem(ProblemCode.NOT_FOUND, f"no participant {participant_id!r}")
        if not row.served_here:
            raise Problem(
                ProblemCode.INVALID_STATE,
                f"{participant_id} is served by another gateway, which issues its tokens "
                f"(this one serves it after POST /v1/participants/{participant_id}/serve)",
            )
        return row

    def create_hosted_key(self, caller: Caller, body: HostedKeyCreate) -> HostedKeyOut:
        """A key this gateway holds for a participant the operator has yet to onboard (with its address and
        serve=false, at the operator's gateway); the same key again if it exists."""
        self.require_role(caller, "OPERATOR")
        if body.id in RESERVED or self.participant(body.id) is not None:
            raise Problem(ProblemCode.INVALID_STATE, f"participant {body.id!r} is onboarded already")
        account = self.blocking(lambda: self.rt.keystore.get_or_create(body.id))
        self.blocking(lambda: self.rt.backend.fund(account.address))  # dev chains: its gas money
        self.blocking(lambda: self.rt.backend.allow_account(account.address))  # this gateway's node sends for it
        return HostedKeyOut(id=body.id, address=account.address)

    def serve(self, caller: Caller, participant_id: str, body: ServeCreate) -> OnboardedOut:
        """This gateway serves a member the operator onboarded (at any gateway): it holds the member's key
        (hosted: the one `create_hosted_key` made for that address) or relays what it signs (self). It says
        so on chain first (`claim`, by its operator's key), where a member served by another gateway is
        refused (409): no member is served by two. Its token, shown once, is this gateway's to issue."""
        self.require_role(caller, "OPERATOR")
        row = self.participant(participant_id)
        if row is None:
            raise Problem(ProblemCode.NOT_FOUND, f"no participant {participant_id!r}: the operator onboards it first")
        if row.served_here:
            raise Problem(ProblemCode.INVALID_STATE, f"this gateway serves {participant_id} already ({row.custody})")
        if body.custody == "hosted" and not self._holds(participant_id, row.address):
            raise Problem(
                ProblemCode.INVALID_STATE,
                f"this gateway holds no key for {row.address}: hosted keys are made here first "
                "(POST /v1/hosted-keys), then onboarded with their address",
            )
        registry, operator = self.rt.system.registry, self.rt.operator
        answer = Answer("onboard", {"id": participant_id, "custody": body.custody})
        return self.write("serve", lambda: registry.claim(operator, row.address), answer, OnboardedOut)

    def _new_token(self, participant_id: str, by: str, kind: tokens.TokenEvent) -> TokenOut:
        with self.rt.db.session() as s:
            row = s.get(ParticipantRow, participant_id)
            assert row is not None
            token, expires = tokens.issue(s, row, by, kind, self.rt.settings.token_ttl_days)
        return TokenOut(api_token=token, expires_at=views.iso(expires))

    # --- mint limits: a regulator's to set, the chain's to keep
    def _bank(self, participant_id: str) -> ParticipantRow:
        row = self.participant(participant_id)
        if row is None:
            raise Problem(ProblemCode.NOT_FOUND, f"no participant {participant_id!r}")
        return row

    @staticmethod
    def _must_be_bank(row: ParticipantRow) -> None:
        if row.role != "BANK":
            raise Problem(ProblemCode.INVALID_COUNTERPARTY, f"{row.id} is a {row.role}: only a BANK has a mint limit")

    def set_mint_limit(self, caller: Caller, participant_id: str, body: MintLimitSet) -> MintLimitOut:
        row = self._bank(participant_id)
        self.require_role(caller, "REGULATOR")
        self._must_be_bank(row)
        limit, signer = parse_amount(body.limit), self.signer(caller)
        if self.rt.confidential is None:
            send = lambda: self.rt.system.cash.set_mint_limit(signer.account, row.address, limit)  # noqa: E731
        else:
            regulator, ledger = self.hosted_account(signer), self.rt.confidential.ledger
            send = lambda: ledger.set_mint_limit(regulator, row.address, limit)  # noqa: E731
        answer = Answer("mint_limit", {"id": row.id, "address": row.address})
        return self.write("set_mint_limit", send, answer, MintLimitOut)

    def mint_limit(self, caller: Caller, participant_id: str) -> MintLimitOut:
        row = self._bank(participant_id)
        if caller.id != row.id and caller.role not in ("REGULATOR", "OPERATOR"):
            raise Problem(ProblemCode.FORBIDDEN, "only the bank itself, a regulator and the operator read a mint limit")
        self._must_be_bank(row)
        cash = self.rt.system.cash if self.rt.confidential is None else self.rt.confidential.ledger
        limit, minted = cash.mint_limit_of(row.address)
        return MintLimitOut(participant=row.id, mint_limit=format_amount(limit), minted=format_amount(minted))
