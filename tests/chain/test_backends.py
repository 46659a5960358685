"""One shared suite for every backend: embedded py-evm and a real anvil node."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_account import Account

from chain.backends.anvil import ANVIL_BIN, AnvilBackend
from chain.backends.base import ChainBackend
from chain.backends.embedded import EmbeddedBackend
from chain.deploy import deploy, load_or_deploy
from chain.errors import BillNotFound
from chain.keys import Keystore
from chain.model import Role
from tests.conftest import DAY, key_for


class BackendSuite:
    """Subclassed per backend, as eth-tester's BaseTestBackendDirect is."""

    @pytest.fixture
    def backend(self, tmp_path: Path) -> Iterator[ChainBackend]:
        raise NotImplementedError

    def test_deploys_transacts_and_decodes_reverts(self, backend: ChainBackend) -> None:
        operator = key_for("operator")
        system = deploy(backend, operator)
        bank = Account.create()
        backend.fund(bank.address)
        code, result = system.registry.register(operator, bank.address, Role.BANK)
        assert code == 1 and result.gas_used > 0 and result.hash.startswith("0x")
        assert result.block_number == backend.block_number()
        with pytest.raises(BillNotFound) as info:
            system.bills.accept(bank, 9)
        assert info.value.bill_id == 9

    def test_time_travel(self, backend: ChainBackend) -> None:
        before = backend.timestamp()
        backend.advance_time(3 * DAY)
        assert backend.timestamp() - before in (3 * DAY, 3 * DAY + 1)

    def test_snapshot_and_revert(self, backend: ChainBackend) -> None:
        operator = key_for("operator")
        system = deploy(backend, operator)
        snapshot = backend.snapshot()
        system.registry.register(operator, Account.create().address, Role.BANK)
        assert system.registry.member_count() == 1
        backend.revert(snapshot)
        assert system.registry.member_count() == 0

    def test_address_book_reattaches(self, backend: ChainBackend, tmp_path: Path) -> None:
        operator = key_for("operator")
        first = load_or_deploy(backend, operator, tmp_path)
        again = load_or_deploy(backend, operator, tmp_path)
        assert first.addresses == again.addresses


class TestEmbedded(BackendSuite):
    @pytest.fixture
    def backend(self, tmp_path: Path) -> Iterator[ChainBackend]:
        yield EmbeddedBackend()


needs_anvil = pytest.mark.skipif(not ANVIL_BIN.exists(), reason="run `npm ci` for anvil")


@needs_anvil
@pytest.mark.anvil
@pytest.mark.xdist_group("anvil")
class TestAnvil(BackendSuite):
    @pytest.fixture
    def backend(self, tmp_path: Path) -> Iterator[ChainBackend]:
        node = AnvilBackend(tmp_path / "node")
        yield node
        node.close()

    def test_state_survives_a_restart(self, tmp_path: Path) -> None:
        data = tmp_path / "persist"
        keystore = Keystore(data, passphrase="test")
        operator = keystore.get_or_create("operator")
        node = AnvilBackend(data)
        try:
            system = load_or_deploy(node, operator, data)
            system.registry.register(operator, Account.create().address, Role.ENTERPRISE)
        finally:
            node.close()
        assert node.state_file.exists()
        node = AnvilBackend(data)
        try:
            again = load_or_deploy(node, operator, data)
            assert again.addresses == system.addresses
            assert again.registry.member_count() == 1
        finally:
            node.close()
