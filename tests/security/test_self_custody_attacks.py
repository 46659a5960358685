"""What the operator can no longer do (issue 14, item 7).

Every participant of the story is in self-custody. The attacker holds the operator's token, the
operator's key, the relayer's key and the gateway's whole data dir (every key file there, opened with
its passphrase). For each of accept, endorse, sign, discount, pay, recourse and release, due from a
participant that did not sign, it tries the gateway, the participant's operation sent as its own
transaction, and the relay with its own signature in the participant's name: nothing acts.
"""

from __future__ import annotations

from typing import Any

import pytest
from eth_account.signers.local import LocalAccount

from chain.errors import ContractError, RelayBadSignature
from chain.keys import Keystore
from chain.relay import SignedBy, sign_typed
from chain.tx import EncodedCall
from tests.api.conftest import Api, problem

ZERO = b"\0" * 32


def stolen_keys(api: Api) -> list[LocalAccount]:
    """Every key the gateway's data dir holds, decrypted as the gateway itself would."""
    data_dir = api.runtime.settings.data_dir
    keystore = Keystore(data_dir)
    return [keystore.load(path.stem) for path in sorted((data_dir / "keys").glob("*.json"))]


@pytest.fixture
def story(api: Api) -> dict[str, Any]:
    """Bills waiting, in each state, for one signature of a self-custody participant."""
    p = {
        "bank": api.onboard("BANK", "bank", self_custody=True),
        "core": api.onboard("ENTERPRISE", "core", self_custody=True),
        "t1": api.onboard("ENTERPRISE", "tier", self_custody=True),
        "t2": api.onboard("ENTERPRISE", "tier", self_custody=True),
    }
    api.mint(p["bank"], p["bank"], "100000.00")
    issued = api.issue(p["core"], p["bank"], p["t1"])
    held = api.circulating(p["core"], p["bank"], p["t1"], "1000.00")
    endorse = api.ok(api.write(f"/v1/bills/{held}/endorse", p["t1"], {"to": p["t2"], "amount": "100.00"}), 201)
    maturing = api.circulating(p["core"], p["bank"], p["t1"], "1000.00", days=10)
    pledge = api.ok(api.write(f"/v1/bills/{maturing}/pledge", p["t1"], {"bank": p["bank"], "amount": "300.00"}), 201)
    api.ok(api.write(f"/v1/transfers/{pledge['transfer']['id']}/sign", p["bank"]))
    dishonored = api.circulating(p["core"], p["bank"], p["t1"], "1000.00", days=10)
    api.advance(10)
    api.ok(api.write(f"/v1/bills/{maturing}/present", p["t1"], {"range_start": 30001}))
    api.ok(api.write(f"/v1/bills/{dishonored}/present", p["t1"]))
    api.ok(api.write(f"/v1/bills/{dishonored}/dishonor", p["bank"], {"reason": "no funds"}))
    return {
        "p": p,
        "issued": issued,
        "held": held,
        "held_rest": 10001,
        "transfer": endorse["transfer"]["id"],
        "maturing": maturing,
        "dishonored": dishonored,
    }


def test_no_key_the_attacker_holds_acts_for_a_self_custody_participant(api: Api, story: dict[str, Any]) -> None:
    system, rt = api.runtime.system, api.runtime
    p = story["p"]
    address = {name: api.keys[pid].address for name, pid in p.items()}
    bills, relay = system.bills, system.relay
    before = {bill: system.bills.ranges(bill) for bill in (story["held"], story["maturing"], story["dishonored"])}
    # (operation, the participant that must sign it, its call on chain)
    due: list[tuple[str, str, EncodedCall]] = [
        ("accept", "bank", bills.encode("accept", story["issued"])),
        (
            "endorse",
            "t1",
            bills.encode("endorse", story["held"], story["held_rest"], 10, rt.operator.address, ZERO, False),
        ),
        ("sign", "t2", bills.encode("sign", story["transfer"])),
        (
            "discount",
            "t1",
            bills.encode("discount", story["held"], story["held_rest"], 10, address["bank"], 1, 0, ZERO),
        ),
        ("pay", "bank", bills.encode("pay", story["maturing"], 30001)),
        ("recourse", "t1", bills.encode("recourse", story["dishonored"], 1, address["core"])),
        ("release", "bank", bills.encode("release", story["maturing"], 1)),
    ]
    keys = [rt.operator, rt.relayer, *stolen_keys(api)]
    assert {rt.operator.address, rt.relayer.address} <= {k.address for k in keys}
    assert not {a.lower() for a in address.values()} & {k.address.lower() for k in keys}
    deadline = rt.backend.timestamp() + 3600
    for operation, victim, call in due:
        for key in keys:
            # 1. the operation sent as the attacker's own transaction
            with pytest.raises(ContractError):
                system.tx.send(key, call)
            # 2. through the relay, in the victim's name, with the attacker's signature
            nonce = relay.nonce(address[victim])
            typed = relay.typed_data(call, address[victim], nonce, deadline)
            forged = SignedBy(address[victim], nonce, deadline, sign_typed(key, typed), key)
            with pytest.raises(RelayBadSignature):
                relay.send(forged, call)
        # 3. the gateway, with the operator's token and with the victim's own (stolen) token
        path = {"accept": f"/v1/bills/{story['issued']}/accept", "sign": f"/v1/transfers/{story['transfer']}/sign"}
        if operation in path:
            problem(api.post(path[operation], "operator"), 403, "FORBIDDEN")
            problem(api.post(path[operation], p[victim]), 422, "SIGNATURE_REQUIRED")
    after = {bill: system.bills.ranges(bill) for bill in before}
    assert after == before
    assert bills.bill(story["issued"]).status.name == "ISSUED"


def test_the_data_dir_holds_no_self_custody_key(api: Api, story: dict[str, Any]) -> None:
    """Grep every file of the data dir for each self-custody key, as hex and as a keystore's address."""
    data_dir = api.runtime.settings.data_dir
    blobs = [path.read_bytes() for path in data_dir.rglob("*") if path.is_file()]
    for participant in story["p"].values():
        key = api.keys[participant]
        secret = key.key.hex().removeprefix("0x")
        for blob in blobs:
            assert secret.encode() not in blob.lower() and key.key not in blob
        keystore_address = key.address.lower().removeprefix("0x").encode()
        key_files = [path for path in (data_dir / "keys").glob("*.json")]
        assert not [f for f in key_files if keystore_address in f.read_bytes().lower()]
