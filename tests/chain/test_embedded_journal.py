"""The embedded chain survives restarts: journal replay, snapshots, a torn last line."""

from __future__ import annotations

from pathlib import Path

import pytest

from chain.backends import embedded
from chain.backends.embedded import EmbeddedBackend
from chain.deploy import load_or_deploy
from chain.keys import Keystore
from chain.model import Role


@pytest.mark.parametrize("snapshot_every", [1_000_000, 3])
def test_state_time_and_addresses_come_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, snapshot_every: int
) -> None:
    monkeypatch.setattr(embedded, "SNAPSHOT_EVERY", snapshot_every)
    journal = tmp_path / "chain.jsonl"
    keys = Keystore(tmp_path, passphrase="p")
    operator, bank, regulator = (keys.get_or_create(n) for n in ("operator", "bank", "regulator"))
    first = EmbeddedBackend(journal)
    system = load_or_deploy(first, operator, tmp_path)
    first.fund(bank.address)
    first.fund(regulator.address)
    system.registry.register(operator, bank.address, Role.BANK)
    system.registry.register(operator, regulator.address, Role.REGULATOR)
    system.cash.set_mint_limit(regulator, bank.address, 1_000)
    for amount in (5, 7, 11):
        system.cash.mint(bank, bank.address, amount)
    first.advance_time(5 * 86_400)
    system.cash.mint(bank, bank.address, 1)
    state = (first.block_number(), first.timestamp(), system.cash.balance_of(bank.address))
    # no close(): as after a SIGKILL; the journal was fsynced write by write
    with journal.open("a") as f:
        f.write('{"tx": "0xdead')  # a line torn by the crash
    second = EmbeddedBackend(journal)
    again = load_or_deploy(second, operator, tmp_path)
    assert again.addresses == system.addresses
    assert (second.block_number(), second.timestamp(), again.cash.balance_of(bank.address)) == state
    assert (tmp_path / "chain.snapshot").exists() == (snapshot_every == 3)
    again.cash.mint(bank, bank.address, 2)  # and it goes on from there
    assert again.cash.balance_of(bank.address) == state[2] + 2
    second.close()
    third = EmbeddedBackend(journal)  # the torn line was cut, not buried under new entries
    assert load_or_deploy(third, operator, tmp_path).cash.balance_of(bank.address) == state[2] + 2
