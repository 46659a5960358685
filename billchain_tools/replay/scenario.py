"""The scenario file format of SCENARIOS.md, validated by pydantic (its JSON Schema is published).

Two keys beyond SCENARIOS.md serve the key-recovery story: a step's `key: old` signs with the key the
participant had before its recovery took effect (the old key must be refused), and a participant check's
`recovery: none | requested | approved`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from chain.model import BILL_OPERATIONS, TRANSFER_OPERATIONS, Role
from gateway.core.schemas import (
    BillStatusName,
    LimitAmount,
    MemberStatusName,
    RangeStateName,
    RoleName,
    TransferStatusName,
)

Action = Literal[
    "issue",
    "accept",
    "reject",
    "receive",
    "cancel",
    "endorse",
    "discount",
    "pledge",
    "release",
    "present",
    "pay",
    "dishonor",
    "recourse",
    "sign",
    "reject_transfer",
    "revoke",
    "freeze",
    "unfreeze",
    "mint",
    "transfer_cash",
    "freeze_participant",
    "unfreeze_participant",
    "set_mint_limit",
    "upload_document",
    "advance_time",
    "guarantee",
    "seize",
    "approve_participant",
    "request_recovery",
    "approve_recovery",
    "cancel_recovery",
]
ACTIONS: tuple[str, ...] = get_args(Action)
BILL_ACTIONS = {op.label for op in BILL_OPERATIONS}
TRANSFER_ACTIONS = {op.label for op in TRANSFER_OPERATIONS}
SAVES = {"issue", "endorse", "discount", "pledge", "recourse", "guarantee", "seize"}
#: the actions on a participant: `with: {participant: ALIAS, ...}`
PARTICIPANT_ACTIONS = {
    "freeze_participant",
    "unfreeze_participant",
    "set_mint_limit",
    "approve_participant",
    "request_recovery",
    "approve_recovery",
    "cancel_recovery",
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ParticipantSpec(Strict):
    role: RoleName
    name: str | None = None
    credit_code: str | None = None
    #: a BANK's mint limit, set by a REGULATOR after onboarding (SCENARIOS.md); a bank without one gets
    #: DEFAULT_MINT_LIMIT, so that a scenario about bills need not speak of limits
    mint_limit: LimitAmount | None = None
    #: `self`: its key is made and kept by the replayer, which signs its operations (as --self-custody does for all)
    custody: Literal["hosted", "self"] = "hosted"

    @model_validator(mode="after")
    def _bank_only(self) -> ParticipantSpec:
        if self.mint_limit is not None and self.role is not Role.BANK:
            raise ValueError("mint_limit is a BANK's")
        return self


class Expect(Strict):
    error: str | None = None
    status: int | None = Field(default=None, ge=100, le=599)
    then: Literal["unchanged"] | None = None


class BillCheck(Strict):
    status: BillStatusName | None = None
    ranges: int | None = None


class RangeCheck(Strict):
    start: int | None = None
    holder: str | None = None
    state: RangeStateName | None = None
    frozen: bool | None = None
    pledgee: str | None = None


class TransferCheck(Strict):
    status: TransferStatusName | None = None
    price: str | None = None


class ParticipantCheck(Strict):
    status: MemberStatusName | None = None
    persistently_overdue: bool | None = None
    #: its key recovery: none, requested (awaiting a REGULATOR), or approved (taking effect 72 h later)
    recovery: Literal["none", "requested", "approved"] | None = None


class Checks(Strict):
    participant: dict[str, ParticipantCheck] = {}
    bill: dict[str, BillCheck] = {}
    range: dict[str, RangeCheck] = {}
    transfer: dict[str, TransferCheck] = {}
    balance: dict[str, str] = {}
    history: dict[str, list[str]] = {}
    #: how many signed guarantees the bill carries
    guarantees: dict[str, int] = {}


class Step(Strict):
    action: Action | None = None
    as_: str | None = Field(default=None, alias="as")
    bill: str | int | None = None
    transfer: str | int | None = None
    with_: dict[str, Any] = Field(default_factory=dict, alias="with")
    save: str | None = None
    expect: Expect | None = None
    check: Checks | None = None
    #: `old`: sign with the key the participant had before its latest key recovery took effect (to show that
    #: it is refused); by default, its current key
    key: Literal["old"] | None = None

    @model_validator(mode="after")
    def _shape(self) -> Step:
        if (self.action is None) == (self.check is None):
            raise ValueError("a step has either an action or a check")
        if self.action is None:
            return self
        if self.action != "advance_time" and self.as_ is None:
            raise ValueError(f"'as' is required for {self.action}")
        if self.action in BILL_ACTIONS and self.bill is None:
            raise ValueError(f"'bill' is required for {self.action}")
        if self.action in TRANSFER_ACTIONS and self.transfer is None:
            raise ValueError(f"'transfer' is required for {self.action}")
        if self.save is not None and self.action not in SAVES:
            raise ValueError(f"'save' names what {', '.join(sorted(SAVES))} create, not {self.action}")
        if self.action in PARTICIPANT_ACTIONS and not isinstance(self.with_.get("participant"), str):
            raise ValueError(f"{self.action} needs with: {{participant: ALIAS}}")
        if self.key is not None and self.as_ in (None, "operator"):
            raise ValueError("'key' picks a participant's key: the step needs 'as' a participant")
        return self

    @property
    def label(self) -> str:
        return self.action or "check"

    @property
    def actor(self) -> str | None:
        return f"{self.as_} (old key)" if self.key == "old" else self.as_


class Scenario(Strict):
    name: str = Field(min_length=1)
    description: str | None = None
    participants: dict[str, ParticipantSpec]
    steps: list[Step] = Field(min_length=1)

    @model_validator(mode="after")
    def _aliases(self) -> Scenario:
        known = {*self.participants, "operator"}
        for i, step in enumerate(self.steps, 1):
            if step.as_ is not None and step.as_ not in known:
                raise ValueError(f"step {i}: 'as' names unknown participant {step.as_!r}")
        return self


class ScenarioInvalid(Exception):
    """A file that is not a valid scenario: names the file, the step and the field."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


def _where(loc: tuple[Any, ...]) -> str:
    parts = list(loc)
    if len(parts) >= 2 and parts[0] == "steps" and isinstance(parts[1], int):
        field = ".".join(str(p) for p in parts[2:]) or "(the step)"
        return f"step {parts[1] + 1}, field {field}"
    return "field " + (".".join(str(p) for p in parts) or "(top level)")


def load(path: Path) -> Scenario:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ScenarioInvalid(path, f"not readable YAML: {exc}") from None
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ScenarioInvalid(path, f"{_where(tuple(first['loc']))}: {first['msg']}") from None


def json_schema() -> dict[str, Any]:
    schema = Scenario.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "billchain scenario"
    return schema
