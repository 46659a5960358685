"""A bundle's gas on a chain that estimates (issue 28, gateway/ledger/bundler.py): one node estimate per function,
not per write, and an item that runs out of the gas its bundle left it is estimated alone and tried once more, so
that its caller is answered as it would be unbundled."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from eth_utils.abi import function_abi_to_4byte_selector

from chain.errors import OutOfGas
from gateway.ledger.bundler import ITEM_OVERHEAD, REESTIMATE_EVERY, Bundler
from tests.api.conftest import Api, gateway_on

pytestmark = [pytest.mark.anvil, pytest.mark.slow, pytest.mark.xdist_group("anvil")]


@pytest.fixture(scope="module")
def on_anvil(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """A gateway on a managed anvil (it estimates gas, unlike the embedded chain), writes bundled."""
    with gateway_on(tmp_path_factory.mktemp("anvil"), chain="anvil", bundle_writes=True, bundle_wait=0.2) as (api, _):
        yield api


def _bundler(api: Api) -> Bundler:
    bundler = api.runtime.bundler
    assert bundler is not None
    return bundler


def _counting_estimates(api: Api, monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The selectors of the node estimates the bundler asks for, from now on."""
    asked: list[bytes] = []
    backend = api.runtime.backend
    estimate = backend.estimate_gas

    def counted(tx: Any) -> int:
        data = tx["data"]
        asked.append(bytes.fromhex(data[2:10]) if isinstance(data, str) else bytes(data[:4]))
        return estimate(tx)

    monkeypatch.setattr(backend, "estimate_gas", counted)
    return asked


def _endorse_selector(api: Api) -> bytes:
    (abi,) = [f for f in api.runtime.system.bills.contract.abi if f.get("name") == "endorse"]
    return bytes(function_abi_to_4byte_selector(abi))


def _receipts(api: Api, count: int) -> tuple[list[int], str, str]:
    """`count` bills received by one payee, and the payee and an endorsee."""
    core, bank = api.onboard("ENTERPRISE", "core"), api.onboard("BANK", "bank")
    payee, endorsee = api.onboard("ENTERPRISE", "tier"), api.onboard("ENTERPRISE", "tier")
    return [api.circulating(core, bank, payee, "100.00") for _ in range(count)], payee, endorsee


def test_a_function_is_estimated_once_then_again_one_write_in_reestimate_every(
    on_anvil: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = on_anvil
    bills, payee, endorsee = _receipts(api, 3)
    asked = _counting_estimates(api, monkeypatch)
    selector = _endorse_selector(api)
    writes = 0
    for bill in bills:  # each write waits for its answer: one item per bundle
        api.ok(api.post(f"/v1/bills/{bill}/endorse", payee, {"to": endorsee, "amount": "1.00"}), 201)
        writes += 1
    bundler = _bundler(api)
    seen = bundler._writes[selector]
    expected = sum(1 for n in range(seen - writes + 1, seen + 1) if n % REESTIMATE_EVERY == 0 or n == 1)
    assert asked.count(selector) == expected <= 1, asked
    assert bundler._function_gas[selector] > 0


def test_an_item_short_of_gas_is_estimated_alone_and_answered_as_unbundled(
    on_anvil: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = on_anvil
    (bill,), payee, endorsee = _receipts(api, 1)
    bundler = _bundler(api)
    selector = _endorse_selector(api)
    bundler._function_gas[selector] = ITEM_OVERHEAD  # too little: the endorse itself runs out inside its bundle
    bundler._writes[selector] = 1
    outcomes: list[Any] = []  # each bundle's items' outcomes, or the error of a bundle that failed whole
    flush = bundler._flush

    def seen(items: list[Any]) -> Any:
        try:
            found = flush(items)
        except Exception as error:
            outcomes.append(error)
            raise
        outcomes.extend(found)
        return found

    monkeypatch.setattr(bundler, "_flush", seen)
    body = api.ok(api.post(f"/v1/bills/{bill}/endorse", payee, {"to": endorsee, "amount": "1.00"}), 201)
    assert body["transfer"]["status"] == "PENDING" and body["transfer"]["to"] == endorsee
    assert any(isinstance(o, OutOfGas) for o in outcomes), outcomes  # it did run out, then went again
    assert outcomes[-1].hash == body["tx"]["hash"]
    assert bundler._function_gas[selector] > 50_000  # the figure follows the estimate made alone
