"""Replays one scenario against a target, step by step, checking every expectation."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from eth_account import Account
from eth_account.signers.local import LocalAccount

from billchain_client import submit_headers
from billchain_tools.replay.placement import OPERATORS, Placement
from billchain_tools.replay.scenario import (
    BILL_ACTIONS,
    PARTICIPANT_ACTIONS,
    TRANSFER_ACTIONS,
    Checks,
    Scenario,
    Step,
)
from billchain_tools.replay.targets import Target
from chain.model import Role
from chain.relay import sign_typed

ALIAS_FIELDS = ("to", "bank", "acceptor", "payee", "against", "participant", "guarantor")
#: the fields that may name a document as `doc:NAME` (uploaded first by the acting participant)
DOCUMENT_FIELDS = ("document_hash", "order_hash")
RELATIVE_DATE = re.compile(r"^\+(\d+)d$")
PATHS = {"reject_transfer": "reject", "transfer_cash": "transfer"}
#: POST /v1/participants/{id}/<path> for each participant action
PARTICIPANT_PATHS = {
    "freeze_participant": "freeze",
    "unfreeze_participant": "unfreeze",
    "set_mint_limit": "mint-limit",
    "approve_participant": "approve",
    "request_recovery": "recovery",
    "approve_recovery": "recovery/approve",
    "cancel_recovery": "recovery/cancel",
}
#: the participant actions whose `with` (the participant aside) is their body; the others send none
PARTICIPANT_BODIES = {"set_mint_limit", "request_recovery"}
#: `request_recovery`'s `address: new`: the replayer makes the new key (SCENARIOS.md)
NEW_KEY = "new"
#: a BANK's mint limit when its scenario declares none (SCENARIOS.md): enough for any scenario
DEFAULT_MINT_LIMIT = "1000000000000.00"
#: the REGULATOR the replayer onboards to set mint limits when the scenario has none
REPLAY_REGULATOR = "replay-regulator"
#: the target's own ACTIVE REGULATOR (--regulator-token): it approves the scenario's pending regulators
TARGET_REGULATOR = "target's regulator"


class StepFailed(Exception):
    pass


@dataclass
class StepResult:
    index: int
    action: str
    actor: str | None
    outcome: str  # passed, failed, skipped
    status: int | None = None
    ms: float | None = None
    gas: int | None = None
    tx_hash: str | None = None
    message: str = ""


@dataclass
class ScenarioResult:
    name: str
    file: str
    steps: list[StepResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(s.outcome == "passed" for s in self.steps)

    @property
    def failure(self) -> StepResult | None:
        return next((s for s in self.steps if s.outcome == "failed"), None)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "file": self.file, "passed": self.passed, "steps": [asdict(s) for s in self.steps]}


def slug(alias: str, suffix: str) -> str:
    base = re.sub(r"[^a-z0-9-]", "-", alias.lower()).strip("-") or "p"
    if not base[0].isalpha():
        base = "p" + base
    return f"{base}-{suffix}"[:40]


class Replayer:
    def __init__(
        self,
        scenario: Scenario,
        path: Path,
        target: Target,
        self_custody: bool = False,
        placement: Placement | None = None,
        gateways: dict[str, Target] | None = None,
    ) -> None:
        """`target` is the operator's gateway; `placement` says which of `gateways` (by name) serves whom,
        and who is in self-custody (every participant with `self_custody`); by default `target` serves all."""
        self.scenario = scenario
        self.path = path
        self.target = target
        self.placement = placement or Placement()
        self.gateways = gateways or {}
        self.self_custody = self_custody
        #: participants in self-custody: their keys, made here; their writes are signed here (docs/SIGNING.md)
        self.keys: dict[str, LocalAccount] = {}
        #: the new keys of recoveries requested (`address: new`), until they take effect or are cancelled
        self.recovering: dict[str, LocalAccount] = {}
        #: the key each participant had before its latest recovery took effect (`key: old` signs with it)
        self.old_keys: dict[str, LocalAccount] = {}
        self.ids = {alias: slug(alias, target.suffix) for alias in scenario.participants}
        self.tokens: dict[str, str] = {"operator": target.operator_token}
        if target.regulator_token:
            self.tokens[TARGET_REGULATOR] = target.regulator_token
        #: regulators onboarded ACTIVE in this run, and those onboarded PENDING (DOMAIN.md: approved by an active one)
        self.active_regulators: list[str] = []
        self.pending: list[str] = []
        self.bills: dict[str, int] = {}
        self.transfers: dict[str, int] = {}

    # --- plumbing
    def call(self, method: str, path: str, who: str | None = "operator", **kwargs: Any) -> httpx.Response:
        """A request as `who` makes it, to the gateway that serves `who` (the operator's: the target)."""
        return self._gateway_of(who).request(method, path, self.tokens.get(who) if who else None, **kwargs)

    def _gateway_of(self, who: str | None) -> Target:
        seat = self.placement.seat(who) if who not in (None, "operator") else None
        if seat is None or seat.gateway == OPERATORS:
            return self.target
        return self.gateways[seat.gateway]

    def write(self, path: str, who: str | None, old_key: bool = False, **kwargs: Any) -> httpx.Response:
        """A POST as `who` makes it: in self-custody, prepared by the gateway, signed here (with the key before
        its latest recovery, `old_key`) and sent with its signature (a preparation the gateway refuses is the
        answer: the write's own problem)."""
        key = self._key(who, old_key)
        if key is None:
            return self.call("POST", path, who, **kwargs)
        prepared = self.call("POST", path + "/prepare", who, **kwargs)
        if prepared.status_code != 200:
            return prepared
        answer = prepared.json()
        headers = submit_headers(answer, sign_typed(key, answer["typed_data"]))
        return self.call("POST", answer["submit"]["path"], who, headers=headers, **kwargs)

    def _key(self, who: str | None, old: bool = False) -> LocalAccount | None:
        """The key the replayer signs `who`'s writes with (None: the gateway signs, hosted)."""
        if who in self.recovering:
            self._follow_recovery(who)
        if not old:
            return self.keys.get(who or "")
        if who not in self.old_keys:
            raise StepFailed(f"key: old, but no key recovery of {who} took effect in this scenario")
        return self.old_keys[who]

    def _follow_recovery(self, alias: str) -> None:
        """A recovery takes effect on chain 72 h after its approval (the gateway completes it): from the address
        the participant acts from, the replayer knows which of its keys signs now."""
        shown = self.ok(self.call("GET", f"/v1/participants/{self._id(alias)}"), f"reading {alias}")
        new = self.recovering[alias]
        if shown["address"].lower() == new.address.lower():
            if alias in self.keys:
                self.old_keys[alias] = self.keys[alias]
            self.keys[alias] = new
            del self.recovering[alias]
        elif shown["recovery"] is None or str(shown["recovery"]["address"]).lower() != new.address.lower():
            del self.recovering[alias]  # cancelled, or replaced by another

    def ok(self, response: httpx.Response, what: str) -> Any:
        if response.status_code >= 300:
            raise StepFailed(f"{what}: {response.status_code} {response.text[:200]}")
        return response.json()

    def _today(self) -> date:
        return date.fromisoformat(self.ok(self.call("GET", "/v1/health", None), "health")["chain"]["date"])

    def _ref(self, names: dict[str, int], ref: str | int | None, kind: str) -> int:
        if isinstance(ref, int):
            return ref
        if ref is None or ref not in names:
            raise StepFailed(f"no {kind} saved as {ref!r}")
        return names[ref]

    def _id(self, alias: str) -> str:
        return self.ids.get(alias, alias)

    # --- running
    def run(self, on_step: Callable[[], None] = lambda: None) -> ScenarioResult:
        result = ScenarioResult(self.scenario.name, str(self.path))
        try:
            self._onboard()
        except StepFailed as exc:
            result.steps.append(StepResult(0, "onboard", "operator", "failed", message=str(exc)))
            for i, step in enumerate(self.scenario.steps, 1):
                result.steps.append(StepResult(i, step.label, step.actor, "skipped"))
            return result
        failed = False
        for i, step in enumerate(self.scenario.steps, 1):
            if failed:
                result.steps.append(StepResult(i, step.label, step.actor, "skipped"))
            else:
                result.steps.append(self._step(i, step))
                failed = result.steps[-1].outcome == "failed"
            on_step()
        return result

    def _onboard(self) -> None:
        for alias, spec in self.scenario.participants.items():
            self._onboard_one(alias, spec.role.name, spec.name or alias, spec.credit_code, spec.custody == "self")
        banks = {
            a: s.mint_limit or DEFAULT_MINT_LIMIT for a, s in self.scenario.participants.items() if s.role is Role.BANK
        }
        regulators = [a for a, s in self.scenario.participants.items() if s.role is Role.REGULATOR]
        if banks and not regulators:  # SCENARIOS.md: one the replayer onboards for this
            self.ids[REPLAY_REGULATOR] = slug(REPLAY_REGULATOR, self.target.suffix)
            self._onboard_one(REPLAY_REGULATOR, "REGULATOR", "replay regulator", None)
        approved_by_a_step = {
            str(step.with_.get("participant")) for step in self.scenario.steps if step.action == "approve_participant"
        }
        for alias in self.pending:
            if alias not in approved_by_a_step:
                self._approve(alias)
        regulator = regulators[0] if regulators else REPLAY_REGULATOR
        for alias, limit in banks.items():
            path = f"/v1/participants/{self.ids[alias]}/mint-limit"
            self.ok(self.write(path, regulator, json={"limit": limit}), f"setting {alias}'s mint limit")

    def _approve(self, alias: str) -> None:
        """A PENDING regulator approved by the scenario's first ACTIVE one, or the target's (--regulator-token)."""
        approver = next(iter(self.active_regulators), TARGET_REGULATOR if TARGET_REGULATOR in self.tokens else None)
        if approver is None:
            raise StepFailed(
                f"{alias} is a REGULATOR and starts PENDING (the target has an ACTIVE one): give --regulator-token "
                "(an ACTIVE REGULATOR's token at the target) to approve it"
            )
        path = f"/v1/participants/{self.ids[alias]}/approve"
        self.ok(self.write(path, approver), f"approving {alias} (as {approver})")

    def _onboard_one(self, alias: str, role: str, name: str, credit_code: str | None, own_key: bool = False) -> None:
        """Onboarded once, by the operator at its gateway; served by the gateway the placement names, which
        then issues its token (and, hosted, made its key first: docs/GATEWAYS.md)."""
        seat = self.placement.seat(alias)
        body: dict[str, Any] = {"id": self.ids[alias], "name": name, "role": role}
        if credit_code:
            body["credit_code"] = credit_code
        if self.self_custody or own_key or seat.custody == "self":
            self.keys[alias] = Account.create()
            body["address"] = self.keys[alias].address
        elif seat.gateway != OPERATORS:  # hosted elsewhere: that gateway makes the key first
            serving = self.gateways[seat.gateway]
            made = serving.request("POST", "/v1/hosted-keys", serving.operator_token, json={"id": body["id"]})
            body["address"] = self.ok(made, f"a key for {alias} at {seat.gateway}")["address"]
        created = self.ok(
            self.call("POST", "/v1/participants", json=body if seat.gateway == OPERATORS else {**body, "serve": False}),
            f"onboarding {alias}",
        )
        if role == "REGULATOR":
            (self.pending if created["status"] == "PENDING" else self.active_regulators).append(alias)
        if seat.gateway == OPERATORS:
            self.tokens[alias] = created["api_token"]
            return
        serving = self.gateways[seat.gateway]
        custody = "self" if alias in self.keys else "hosted"
        path = f"/v1/participants/{body['id']}/serve"
        served = serving.request("POST", path, serving.operator_token, json={"custody": custody})
        self.tokens[alias] = self.ok(served, f"serving {alias} at {seat.gateway}")["api_token"]

    def _step(self, index: int, step: Step) -> StepResult:
        result = StepResult(index, step.label, step.actor, "passed")
        try:
            if step.check is not None:
                self._check(step.check)
            else:
                self._act(step, result)
        except StepFailed as exc:
            result.outcome, result.message = "failed", str(exc)
        return result

    def _body(self, step: Step) -> dict[str, Any]:
        body = dict(step.with_)
        for key in ALIAS_FIELDS:
            if isinstance(body.get(key), str):
                body[key] = self._id(body[key])
        if isinstance(body.get("maturity_date"), str) and (m := RELATIVE_DATE.match(body["maturity_date"])):
            body["maturity_date"] = (self._today() + timedelta(days=int(m.group(1)))).isoformat()
        for key in DOCUMENT_FIELDS:
            doc = body.get(key)
            if isinstance(doc, str) and doc.startswith("doc:"):
                body[key] = self._upload(step.as_, self._document(doc[4:]))
        return body

    def _document(self, name: str) -> bytes:
        """The bytes `doc:NAME` stands for: NAME, plus the run's suffix on a shared gateway."""
        return f"{name}\n(replay {self.target.suffix})".encode() if self.target.unique_documents else name.encode()

    def _upload(self, who: str | None, content: bytes, content_type: str = "text/plain") -> str:
        response = self.call("POST", "/v1/documents", who, content=content, headers={"Content-Type": content_type})
        digest = "0x" + hashlib.sha256(content).hexdigest()
        if response.status_code != 201 and response.json().get("hash") != digest:
            raise StepFailed(f"uploading a document: {response.status_code} {response.text[:200]}")
        return digest

    def _request(self, step: Step, body: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
        action = step.action
        assert action is not None
        if action in BILL_ACTIONS:
            return f"/v1/bills/{self._ref(self.bills, step.bill, 'bill')}/{action}", body
        if action in TRANSFER_ACTIONS:
            return (
                f"/v1/transfers/{self._ref(self.transfers, step.transfer, 'transfer')}/{PATHS.get(action, action)}",
                body,
            )
        if action == "issue":
            return "/v1/bills", body
        if action in ("mint", "transfer_cash"):
            return f"/v1/cash/{PATHS.get(action, action)}", body
        if action in PARTICIPANT_ACTIONS:
            who = body.pop("participant", None)
            if not who:
                raise StepFailed(f"{action} needs with: {{participant: ALIAS}}")
            return f"/v1/participants/{who}/{PARTICIPANT_PATHS[action]}", body if action in PARTICIPANT_BODIES else None
        if action == "advance_time":
            return "/v1/admin/chain/advance", body
        raise StepFailed(f"unknown action {action}")

    def _act(self, step: Step, result: StepResult) -> None:
        assert step.action is not None
        if step.action == "upload_document":
            name = str(step.with_.get("name", step.with_.get("content", "")))
            began = time.perf_counter()
            self._upload(step.as_, self._document(name), str(step.with_.get("content_type", "text/plain")))
            result.ms, result.status = round((time.perf_counter() - began) * 1000, 1), 201
            return
        who = "operator" if step.action == "advance_time" else step.as_
        body = self._body(step)
        new_key = None
        if step.action == "request_recovery" and body.get("address") == NEW_KEY:
            new_key = Account.create()
            body["address"] = new_key.address
        path, payload = self._request(step, body)
        expect = step.expect
        watched = self._ref(self.bills, step.bill, "bill") if step.bill is not None else None
        before = self.bill(watched) if expect and expect.then == "unchanged" and watched else None
        began = time.perf_counter()
        response = self.write(path, who, step.key == "old", json=payload)
        result.ms = round((time.perf_counter() - began) * 1000, 1)
        result.status = response.status_code
        answer = response.json() if response.headers.get("content-type", "").startswith("application/") else {}
        if isinstance(answer, dict) and isinstance(answer.get("tx"), dict):
            result.gas, result.tx_hash = answer["tx"].get("gas_used"), answer["tx"].get("hash")
        self._meet(expect, response.status_code, answer)
        if response.status_code < 300 and step.save:
            store = self.bills if step.action == "issue" else self.transfers
            store[step.save] = int(answer["bill" if step.action == "issue" else "transfer"]["id"])
        if response.status_code < 300 and step.action in ("request_recovery", "cancel_recovery"):
            alias = str(step.with_["participant"])
            self.recovering.pop(alias, None)
            if new_key is not None:
                self.recovering[alias] = new_key
        if before is not None and watched is not None and self.bill(watched) != before:
            raise StepFailed(f"bill {step.bill} changed although the call failed")

    @staticmethod
    def _meet(expect: Any, status: int, answer: Any) -> None:
        code = answer.get("code") if isinstance(answer, dict) else None
        if expect is None or (expect.error is None and expect.status is None):
            if not 200 <= status < 300:
                raise StepFailed(f"expected success, got {status} {code or ''}".strip())
            return
        if expect.status is not None and status != expect.status:
            raise StepFailed(f"expected status {expect.status}, got {status} {code or ''}".strip())
        if expect.error is not None and code != expect.error:
            got = f"{status} {code}" if code else f"{status} (success)" if status < 300 else str(status)
            raise StepFailed(f"expected error {expect.error}, got {got}")

    # --- checks
    def bill(self, bill_id: int) -> dict[str, Any]:
        return dict(self.ok(self.call("GET", f"/v1/bills/{bill_id}"), f"reading bill {bill_id}"))

    def _check(self, checks: Checks) -> None:
        for alias, want_participant in checks.participant.items():
            got = self.ok(self.call("GET", f"/v1/participants/{self._id(alias)}"), f"reading {alias}")
            if want_participant.status is not None and got["status"] != want_participant.status.name:
                raise StepFailed(f"{alias}: status {got['status']}, expected {want_participant.status.name}")
            overdue = want_participant.persistently_overdue
            if overdue is not None and got["persistently_overdue"] is not overdue:
                raise StepFailed(
                    f"{alias}: persistently_overdue {got['persistently_overdue']} "
                    f"({got['overdue_events_180d']} overdue events in 180 days), expected {overdue}"
                )
            recovery = got["recovery"]
            state = "none" if recovery is None else "approved" if recovery["approved_by"] else "requested"
            if want_participant.recovery is not None and state != want_participant.recovery:
                raise StepFailed(f"{alias}: key recovery {state}, expected {want_participant.recovery}")
        for name, want in checks.bill.items():
            bill = self.bill(self._ref(self.bills, name, "bill"))
            if want.status is not None and bill["status"] != want.status.name:
                raise StepFailed(f"bill {name}: status {bill['status']}, expected {want.status.name}")
            if want.ranges is not None and len(bill["ranges"]) != want.ranges:
                raise StepFailed(f"bill {name}: {len(bill['ranges'])} ranges, expected {want.ranges}")
        for name, want_range in checks.range.items():
            ranges = self.bill(self._ref(self.bills, name, "bill"))["ranges"]
            start = want_range.start if want_range.start is not None else (ranges[0]["start"] if ranges else 1)
            found = next((r for r in ranges if r["start"] == start), None)
            if found is None:
                raise StepFailed(f"bill {name}: no range starts at {start}")
            expected = {
                "holder": want_range.holder and self._id(want_range.holder),
                "state": want_range.state and want_range.state.name,
                "frozen": want_range.frozen,
            }
            if want_range.pledgee is not None:
                expected["pledgee"] = None if want_range.pledgee in ("", "null") else self._id(want_range.pledgee)
            for key, value in expected.items():
                if (value is not None or key == "pledgee") and found[key] != value:
                    raise StepFailed(f"bill {name} range {start}: {key} {found[key]!r}, expected {value!r}")
        for name, want_transfer in checks.transfer.items():
            transfer_id = self._ref(self.transfers, name, "transfer")
            t = self.ok(self.call("GET", f"/v1/transfers/{transfer_id}"), f"reading transfer {name}")
            status = want_transfer.status.name if want_transfer.status else None
            for key, wanted in (("status", status), ("price", want_transfer.price)):
                if wanted is not None and t[key] != wanted:
                    raise StepFailed(f"transfer {name}: {key} {t[key]!r}, expected {wanted!r}")
        for alias, amount in checks.balance.items():
            got = self.ok(self.call("GET", f"/v1/cash/balances/{self._id(alias)}"), f"balance of {alias}")["balance"]
            if got != amount:
                raise StepFailed(f"balance of {alias}: {got}, expected {amount}")
        for name, count in checks.guarantees.items():
            guarantees = self.bill(self._ref(self.bills, name, "bill"))["guarantees"]
            if len(guarantees) != count:
                raise StepFailed(f"bill {name}: {len(guarantees)} signed guarantees, expected {count}")
        for name, events in checks.history.items():
            bill_id = self._ref(self.bills, name, "bill")
            items = self.ok(self.call("GET", f"/v1/bills/{bill_id}/history?limit=500"), "history")["items"]
            got = [h["event"] for h in items]
            if got != events:
                raise StepFailed(f"history of {name}: {got}, expected {events}")
