"""The circuits stay inside the ceremony's domain, and their public signals are what the contract passes."""

from __future__ import annotations

import re

import pytest

from chain.zk.circuits import CIRCUITS, POWER, Keys
from chain.zk.toolchain import snarkjs
from chain.zk.vkey import key_words, read_vkey

#: the signals each contract function hands the verifier (contracts/confidential/)
SIGNALS = {
    "cash_mint": 15,
    "cash_transfer": 24,
    "bill_issue": 16,
    "range_transfer": 24,
    "discount": 26,
    "range_present": 20,
}
#: Groth16 verification costs about 184,800 + 6,610 gas a public signal (docs/PRIVACY.md §7): 32 is the most
#: that stays within 400,000 gas a proof
MAX_SIGNALS = 32


def _info(keys: Keys, name: str) -> dict[str, int]:
    out = snarkjs("r1cs", "info", keys.root / "build" / f"{name}.r1cs").stdout
    clean = re.sub(r"\x1b\[[0-9;]*m", "", out)
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"# of ([A-Za-z ]+): (\d+)", clean)}


@pytest.mark.parametrize("name", CIRCUITS)
def test_a_circuit_fits_the_ceremony_and_the_contract(dev_keys: Keys, name: str) -> None:
    info = _info(dev_keys, name)
    assert info["Constraints"] <= 2**POWER, f"{name} crossed its domain: a larger ceremony is needed"
    public = info["Public Inputs"] + info["Outputs"]
    assert public == SIGNALS[name] <= MAX_SIGNALS
    vkey = read_vkey(dev_keys.vkey(name))
    assert int(vkey["nPublic"]) == public
    assert len(key_words(vkey)) == 14 + 2 * (public + 1)
