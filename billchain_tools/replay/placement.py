"""Where each participant of a replay is served, across the gateways of one platform (docs/GATEWAYS.md).

    # gateways.yaml: the --target gateway is the operator's; it serves whoever is not placed elsewhere
    gateways:
      bank-b: {url: "http://127.0.0.1:8001", operator_token_env: BANK_B_OPERATOR_TOKEN}
    participants:
      t1: {gateway: bank-b}                    # its key hosted at bank B's gateway
      t2: {gateway: bank-b, custody: self}     # signs here, bank B's gateway relays
      core: {custody: self}                    # at the --target gateway, signing here

Aliases are a scenario's; one file serves a whole library (an alias a scenario lacks is ignored).
Operator tokens come from the environment, never from the file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

#: the --target gateway's name in a placement
OPERATORS = "operator"


class GatewaySpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(pattern=r"^https?://")
    #: the environment variable holding that gateway's operator token
    operator_token_env: str = Field(min_length=1)


class Seat(BaseModel):
    model_config = ConfigDict(extra="forbid")

    gateway: str = OPERATORS
    custody: Literal["hosted", "self"] = "hosted"


class Placement(BaseModel):
    model_config = ConfigDict(extra="forbid")

    gateways: dict[str, GatewaySpec] = Field(default_factory=dict)
    participants: dict[str, Seat] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_gateways(self) -> Placement:
        for alias, seat in self.participants.items():
            if seat.gateway != OPERATORS and seat.gateway not in self.gateways:
                raise ValueError(f"participants.{alias}: no gateway {seat.gateway!r} (gateways: {list(self.gateways)})")
        return self

    def seat(self, alias: str) -> Seat:
        return self.participants.get(alias, Seat())

    def operator_token(self, gateway: str) -> str:
        variable = self.gateways[gateway].operator_token_env
        token = os.environ.get(variable)
        if not token:
            raise PlacementInvalid(f"gateway {gateway!r}: its operator token is not in ${variable}")
        return token


class PlacementInvalid(ValueError):
    pass


def load_placement(path: Path) -> Placement:
    """The placement in `path` (YAML or JSON), every gateway's operator token present; else PlacementInvalid."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        placement = Placement.model_validate(data)
    except (OSError, ValueError, yaml.YAMLError, ValidationError) as exc:
        raise PlacementInvalid(f"{path}: {exc}") from None
    for name in placement.gateways:
        placement.operator_token(name)
    return placement
