"""One list of operations: the contracts' `Operation` (chain/model.py, itself checked against the compiled enum
by test_vocabulary.py). Every other place that names operations is derived from it or checked against it here:
the API's write routes, the replay's actions, the relay's typed operations and the console's actions."""

from __future__ import annotations

import re
from pathlib import Path

from eth_utils import function_abi_to_4byte_selector
from fastapi.routing import APIRoute

from billchain_tools.replay.scenario import ACTIONS, BILL_ACTIONS, TRANSFER_ACTIONS
from chain.model import BILL_OPERATIONS, TRANSFER_OPERATIONS, Operation, transfer_path
from gateway.http.app import create_app  # noqa: F401 - the routers below are the app's
from gateway.http.routes import bills, cash, transfers
from tests.conftest import World

CONSOLE = Path(__file__).resolve().parents[2] / "gateway" / "console" / "static"
#: where an operation that acts on no bill or transfer is sent
OTHER_PATHS = {
    Operation.ISSUE: "/v1/bills",
    Operation.MINT: "/v1/cash/mint",
    Operation.TRANSFER_CASH: "/v1/cash/transfer",
}


def _path(operation: Operation) -> str:
    if operation in BILL_OPERATIONS:
        return f"/v1/bills/{{bill_id}}/{operation.label}"
    if operation in TRANSFER_OPERATIONS:
        return f"/v1/transfers/{{transfer_id}}/{transfer_path(operation)}"
    return OTHER_PATHS[operation]


def test_every_operation_is_a_bill_s_a_transfer_s_or_one_of_the_others() -> None:
    groups = [set(BILL_OPERATIONS), set(TRANSFER_OPERATIONS), set(OTHER_PATHS)]
    assert set().union(*groups) == set(Operation) and sum(len(g) for g in groups) == len(Operation)


def test_every_operation_is_a_write_route() -> None:
    posts = {
        route.path
        for router in (bills.router, transfers.router, cash.router)
        for route in router.routes
        if isinstance(route, APIRoute) and "POST" in route.methods
    }
    assert {_path(op) for op in Operation} <= posts


def test_every_operation_is_a_replay_action() -> None:
    assert {op.label for op in Operation} - {"transfer_cash"} <= set(ACTIONS)
    assert "transfer_cash" in ACTIONS  # the cash transfer, as SCENARIOS.md names it
    assert {op.label for op in BILL_OPERATIONS} == BILL_ACTIONS
    assert {op.label for op in TRANSFER_OPERATIONS} == TRANSFER_ACTIONS


def test_every_operation_is_one_the_relay_types(world: World) -> None:
    """A self-custody participant can sign each: the relay has an EIP-712 type whose name starts with the
    operation's (Sign -> SignTransfer, Freeze -> FreezeBill), read from the relay itself."""
    relay = world.system.relay
    typed = set()
    for client in (world.bills, world.cash):
        for abi in client.contract.abi:
            if abi["type"] != "function" or abi["stateMutability"] in ("view", "pure"):
                continue
            try:
                typed.add(relay.operation_type(function_abi_to_4byte_selector(abi)).name)
            except Exception:
                continue
    for op in Operation:
        camel = "".join(part.title() for part in op.label.split("_"))
        assert any(name.startswith(camel) for name in typed), (op, sorted(typed))


def test_the_console_offers_only_operations_of_the_list() -> None:
    source = "\n".join(path.read_text() for path in CONSOLE.glob("*.js"))
    bill_actions = set(re.findall(r"\$\{base\}/([a-z_]+)`", source))  # an action's own form
    bill_actions |= set(re.findall(r'simple\("[a-z]+", [^\n]*?, "([a-z]+)"', source))  # a step without a form
    transfer_actions = set(re.findall(r"/v1/transfers/\$\{\w+\.id\}/([a-z]+)`", source))
    assert bill_actions == {op.label for op in BILL_OPERATIONS}  # each offered, none invented
    assert transfer_actions == {transfer_path(op) for op in TRANSFER_OPERATIONS}
