"""One vocabulary: the Python enums are the contracts' enums, and the rules the gateway applies early are
read from the bill registry, which states DOMAIN.md's role table."""

from __future__ import annotations

from chain.artifacts import load_enums
from chain.model import ENUMS, Operation, Role
from tests.conftest import World

HOLDERS = frozenset({Role.BANK, Role.ENTERPRISE})
#: DOMAIN.md's roles table, as the README's "roles per operation" decision reads it
DOMAIN_ROLES: dict[Operation, frozenset[Role]] = {
    Operation.ISSUE: frozenset({Role.ENTERPRISE}),
    Operation.ACCEPT: HOLDERS,
    Operation.REJECT: HOLDERS,
    Operation.RECEIVE: frozenset({Role.ENTERPRISE}),
    Operation.CANCEL: frozenset({Role.ENTERPRISE}),
    Operation.ENDORSE: frozenset({Role.ENTERPRISE}),
    Operation.DISCOUNT: HOLDERS,
    Operation.PLEDGE: frozenset({Role.ENTERPRISE}),
    Operation.RELEASE: frozenset({Role.BANK}),
    Operation.PRESENT: HOLDERS,
    Operation.PAY: HOLDERS,
    Operation.DISHONOR: HOLDERS,
    Operation.RECOURSE: HOLDERS,
    Operation.SIGN: HOLDERS,
    Operation.REJECT_TRANSFER: HOLDERS,
    Operation.REVOKE: HOLDERS | {Role.REGULATOR},  # a REGULATOR revokes the seizure it asked for
    Operation.FREEZE: frozenset({Role.REGULATOR}),
    Operation.UNFREEZE: frozenset({Role.REGULATOR}),
    Operation.MINT: frozenset({Role.BANK}),
    Operation.TRANSFER_CASH: HOLDERS,
    Operation.GUARANTEE: HOLDERS,
    Operation.SEIZE: frozenset({Role.REGULATOR}),
}


def test_the_python_enums_are_the_contracts_enums() -> None:
    compiled = load_enums()
    assert set(compiled) == set(ENUMS)
    for name, members in compiled.items():
        python = {m.name: m.value for m in ENUMS[name]}
        expected = {member: value for value, member in enumerate(members) if member != "NONE"}
        assert python == expected, name


def test_the_rules_come_from_the_bill_registry_and_state_the_domain(world: World) -> None:
    rules = world.bills.rules()
    assert {op: rules.roles_for(op) for op in Operation} == DOMAIN_ROLES
    assert (rules.max_bill_amount, rules.max_tenor_days, rules.max_adjust_days) == (100_000_000_000, 184, 3)
    assert rules.max_reason_bytes == 800
    assert (rules.overdue_events, rules.overdue_window_days) == (3, 180)  # DOMAIN.md, "Persistently overdue acceptors"
