"""What every service shares: the runtime, participants by id, and the write path."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from eth_account.signers.local import LocalAccount

from chain.errors import BatchItemFailed, ChainError, DocumentAlreadyUsed
from chain.model import Operation
from chain.problem_codes import ProblemCode
from chain.relay import Prepared, Unsigned
from chain.tx import TxResult
from chain.zk.toolchain import ToolError
from chain.zk.wallet import NotEnoughCash
from gateway.core.db import ParticipantRow, RefusalRow
from gateway.core.log_context import TX_HASH
from gateway.core.metrics import record_tx
from gateway.core.problems import Problem
from gateway.ledger.confidential import ConfidentialRefused
from gateway.ledger.outbox import DONE, REQUEST, WRITE, Answer, own_write
from gateway.ledger.runtime import Runtime
from gateway.services.answers import Answers, WriteOut
from gateway.services.caller import OPERATION_SIGNATURE, Batching, Caller, Signer, self_custody_account

log = logging.getLogger("billchain.writes")
#: the answers of writes a confidential platform does not serve yet: bills and transfers, batches, and the
#: transparent cash's (its own is "confidential_cash"); docs/PRIVACY.md §8
NOT_CONFIDENTIAL = frozenset({"bill", "batch", "cash"})
T = TypeVar("T")
Out = TypeVar("Out", bound=WriteOut)


class Service:
    def __init__(self, runtime: Runtime, answers: Answers) -> None:
        self.rt = runtime
        self.answers = answers

    # --- participants
    def participant(self, participant_id: str) -> ParticipantRow | None:
        with self.rt.db.session() as s:
            return s.get(ParticipantRow, participant_id)

    def counterparty(self, participant_id: str, field: str) -> ParticipantRow:
        """A participant named in a body; an unknown id is an invalid counterparty."""
        row = self.participant(participant_id)
        if row is None:
            raise Problem(ProblemCode.INVALID_COUNTERPARTY, f"{field}: no participant {participant_id!r}")
        return row

    # --- authorisation
    @staticmethod
    def require_role(caller: Caller, *roles: str) -> None:
        """For what only the gateway knows of (the OPERATOR is not a member of the contracts)."""
        if caller.role not in roles:
            raise Problem(ProblemCode.FORBIDDEN, f"a {caller.role} may not do this (needs {' or '.join(roles)})")

    def require_may(self, caller: Caller, operation: Operation) -> None:
        """403 FORBIDDEN unless the caller's role may ever do `operation`, by the bill registry's own role
        table (read from it once: `Rules`), before the gateway's checks that come after the role's."""
        allowed = sorted(role.name for role in self.rt.rules.roles_for(operation))
        if caller.role not in allowed:
            needs = " or ".join(allowed)
            raise Problem(ProblemCode.FORBIDDEN, f"a {caller.role} may not {operation.name.lower()} (needs {needs})")

    def signer(self, caller: Caller) -> Signer:
        """Who signs the caller's write: the operator's key, the participant's hosted key, or, in
        self-custody, the participant's own signature that the relayer sends (docs/SIGNING.md)."""
        if isinstance(OPERATION_SIGNATURE.get(), Batching):  # signed with the hosted key by the batch
            if caller.participant is None or caller.participant.self_custody:
                raise Problem(
                    ProblemCode.VALIDATION_ERROR,
                    f"a batch is for a participant whose key this gateway holds; {caller.id} sends its "
                    "operations one by one (a self-custody participant signs each: docs/SIGNING.md)",
                )
            return Signer(caller, Unsigned(self.rt.keystore.load(caller.id).address))
        if caller.participant is not None and caller.participant.self_custody:
            return Signer(caller, self_custody_account(caller, self.rt.relayer))
        if OPERATION_SIGNATURE.get() is not None:  # a preparation or a signature: nothing for a held key
            raise Problem(
                ProblemCode.VALIDATION_ERROR,
                f"{caller.id}'s key is held by this gateway, which signs its writes: there is nothing to prepare "
                "or sign; send the request without the Billchain-Signature headers",
            )
        if caller.is_operator:
            return Signer(caller, self.rt.operator)
        account = self.rt.keystore.load(caller.id)
        if self._bundling():  # its write is an item of a bundle (gateway/ledger/bundler.py): `write` sends it
            assert self.rt.bundler is not None
            return Signer(caller, Unsigned(self.rt.bundler.hold(account)))
        return Signer(caller, account)

    @staticmethod
    def hosted_account(signer: Signer) -> LocalAccount:
        """The key a confidential write is sent with: the caller's hosted one (or the operator's). A self-custody
        caller would send its own from its client, which is not built for a confidential platform."""
        if not isinstance(signer.account, LocalAccount):
            raise Problem(
                ProblemCode.VALIDATION_ERROR,
                f"{signer.caller.id} holds its own key: on a confidential platform it would send from its own "
                "client, which is not built (docs/PRIVACY.md §8)",
            )
        return signer.account

    def _bundling(self) -> bool:
        """Whether a hosted caller's write goes in a bundle: bundles are on, and it is a plain write (not a
        preparation, a batch's operation or a self-custody signature) from a write route."""
        bundler = self.rt.bundler
        return bundler is not None and OPERATION_SIGNATURE.get() is None and bundler.available()

    @contextmanager
    def own_step(self, operation: str, signer: str | None = None) -> Iterator[None]:
        """Send the gateway's own transactions inside (gateway/ledger/outbox.py `own_write`), settled in the
        outbox once the block is left without an error (else recovery settles them after a crash)."""
        with own_write(operation, signer) as sent:
            yield

        def settle() -> None:
            for tx_hash in sent:
                self.rt.outbox.mark(tx_hash, DONE)

        self.blocking(settle)  # may wait for a group commit: off the loop

    def blocking(self, fn: Callable[[], T]) -> T:
        """Run slow blocking work off the event loop when called from a write route."""
        return self.rt.follower.blocking(fn)

    def _blocked_double_financing(self, error: DocumentAlreadyUsed) -> None:
        """Kept for the regulator (GET /v1/reports/double-financing): the chain refused to anchor a
        document a second time, so this attempt leaves no trace on chain."""
        request = REQUEST.get()
        with self.rt.db.session() as s:
            s.add(
                RefusalRow(
                    at=datetime.now(UTC).replace(tzinfo=None),
                    caller=request.caller if request else "unknown",
                    method_path=request.method_path if request else "",
                    code=error.code,
                    document_hash="0x" + bytes(error.document_hash).hex(),
                )
            )

    # --- the write path: submit, await the receipt, index, then answer (read-your-writes)
    def write(self, operation: str, send: Callable[[], Any], answer: Answer, out: type[Out]) -> Out:
        """`send` submits one transaction and waits for it (in a write route, without holding a
        thread: see gateway/ledger/follower.py); once its block is indexed, `answer` is built from
        the receipt (gateway/services/answers.py), the way a write settled after a crash is answered.
        While the chain lacks what was acknowledged (gateway/ledger/chainguard.py), writes wait for
        a person."""
        held = self.rt.guard.blocked
        if held is not None:
            raise Problem(ProblemCode.CHAIN_UNAVAILABLE, f"writes are held: {held} (see /v1/health)")
        if self.rt.confidential is not None and answer.kind in NOT_CONFIDENTIAL:
            raise Problem(
                ProblemCode.INVALID_STATE,
                f"{operation} is not served on a confidential platform yet: participants, mint limits, minting, "
                "cash transfers and balances are (docs/PRIVACY.md §8)",
            )
        token = WRITE.set((operation, answer))  # what the outbox writes down with the transaction
        try:
            try:
                sent, bundled = self._send(send, operation, answer)
            except ChainError as error:
                if not self._refused_behind_a_fork(error, operation):
                    raise
                sent, bundled = self._send(send, operation, answer)
        except ConfidentialRefused as refused:
            raise Problem(ProblemCode.VALIDATION_ERROR, str(refused)) from None
        except NotEnoughCash as short:
            raise Problem(ProblemCode.INSUFFICIENT_CASH, f"the payer's notes cannot cover it: {short}") from None
        except ToolError as failed:  # the prover's own failure: nothing was sent
            log.error("%s: the prover failed: %s", operation, failed)
            raise Problem(ProblemCode.CHAIN_UNAVAILABLE, "the prover failed; nothing was sent: try again") from None
        except ChainError as error:
            own = error.error if isinstance(error, BatchItemFailed) else error  # a batch: the operation's own
            if isinstance(own, DocumentAlreadyUsed):
                self._blocked_double_financing(own)
            if isinstance(error, BatchItemFailed):  # its own problem, naming it
                raise Problem(error.code, f"operations[{error.index}]: {own}", operation=error.index) from None
            raise Problem.from_chain(error) from None
        finally:
            WRITE.reset(token)
        result = sent[1] if isinstance(sent, tuple) else sent
        assert isinstance(result, TxResult)
        TX_HASH.set(result.hash)  # on the rest of the request's log lines (gateway/core/log_context.py)
        log.info("%s mined in block %d (%d gas)", operation, result.block_number, result.gas_used)
        record_tx(operation, 0 if bundled else result.gas_used)  # a bundle's gas is counted once, as the bundle's
        self.rt.indexer.catch_up(result.block_number)  # done already if the follower read the block
        reply = self.answers.build(answer, result)
        request = REQUEST.get()
        if not bundled and (request is None or request.key is None):  # a keyed answer is settled with its record
            self.blocking(lambda: self.rt.outbox.mark(result.hash, DONE))  # may wait for a group commit: off the loop
        assert isinstance(reply, out), f"{operation} answered {type(reply).__name__}, not {out.__name__}"
        return reply

    def _send(self, send: Callable[[], Any], operation: str, answer: Answer) -> tuple[Any, bool]:
        """What `send` sent, or its bundle's part (a hosted caller's write when bundles are on); and whether
        it was bundled."""
        try:
            return send(), False
        except Prepared as prepared:  # a preparation or one operation of a batch: how it would be answered
            if not self._bundling():
                prepared.write = (operation, answer)
                raise
            return self._bundled(prepared, operation, answer), True

    def _refused_behind_a_fork(self, error: ChainError, operation: str) -> bool:
        """Whether a write refused before it was sent met a branch the follower had not followed yet, and
        may be tried once more now that it has. A Clique network drops a block now and then for another
        signer's (gateway/ledger/follower.py): a write answered from the dropped block is on the new branch
        a block later, but a write that depends on it and is estimated in between meets a chain without it
        (seen: a discount's signature refused 404, its request not yet mined again). The refusal is answered
        only from a chain that has every write the gateway acknowledged."""
        follower = self.rt.follower
        if not error.unsent or not follower.behind_a_fork():
            return False
        log.warning("%s refused (%s) on a branch not followed yet: tried again after it", operation, error)
        return follower.follow_fork(within=follower.stalled_after)

    def _bundled(self, prepared: Prepared, operation: str, answer: Answer) -> TxResult:
        """A hosted caller's write as an item of a bundle: its gas from its function's figure, or estimated
        from its signer (a revert found there is the error it meets alone), then its own part of the mined
        bundle, or its own error."""
        bundler = self.rt.bundler
        assert bundler is not None
        relayable = bundler.known_relayable(prepared.call)
        if relayable is None:
            relayable = self.blocking(lambda: bundler.relayable(prepared.call))
        if not relayable:  # alone, signed with its key, as ever
            return self.rt.system.tx.send(bundler.account(prepared.signer), prepared.call)
        gas = bundler.known_gas(prepared.call)
        if gas is None:
            gas = self.blocking(lambda: bundler.estimate(prepared.signer, prepared.call))
        return bundler.submit(prepared.call, prepared.signer, gas, operation, answer)
