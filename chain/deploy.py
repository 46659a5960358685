"""Deploy the three contracts and keep an address book per chain in the data dir."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract

from chain.artifacts import load_artifact
from chain.backends.base import ChainBackend
from chain.clients import BillRegistryClient, DigitalCashClient, ParticipantRegistryClient
from chain.errors import ErrorDecoder
from chain.tx import Transactor, TxResult

PLATFORM_CONTRACTS = ("ParticipantRegistry", "DigitalCash", "BillRegistry")
SETTLER_ROLE = Web3.keccak(text="SETTLER")


@dataclass
class System:
    """The deployed platform: one typed client per contract, sharing one transactor."""

    backend: ChainBackend
    tx: Transactor
    registry: ParticipantRegistryClient
    cash: DigitalCashClient
    bills: BillRegistryClient
    deploy_gas: dict[str, int]

    @property
    def addresses(self) -> dict[str, str]:
        return {
            "ParticipantRegistry": self.registry.address,
            "DigitalCash": self.cash.address,
            "BillRegistry": self.bills.address,
        }


def error_decoder() -> ErrorDecoder:
    return ErrorDecoder([load_artifact(name).abi for name in PLATFORM_CONTRACTS])


def deploy_contract(tx: Transactor, deployer: LocalAccount, name: str, *args: object) -> tuple[str, TxResult]:
    artifact = load_artifact(name)
    factory = tx.backend.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    result = tx.send(deployer, factory.constructor(*args))
    address = result.receipt["contractAddress"]
    assert address is not None
    return str(address), result


def contracts_at(backend: ChainBackend, addresses: dict[str, str]) -> dict[str, Contract]:
    """The platform's contracts at `addresses`, for reading (views, events): no signer needed."""
    return {
        name: backend.w3.eth.contract(address=Web3.to_checksum_address(addresses[name]), abi=load_artifact(name).abi)
        for name in PLATFORM_CONTRACTS
    }


def attach(
    backend: ChainBackend,
    addresses: dict[str, str],
    tx: Transactor | None = None,
    deploy_gas: dict[str, int] | None = None,
) -> System:
    """Typed clients of the contracts at `addresses`, writing through `tx` (a polling one by default)."""
    tx = tx or Transactor(backend, error_decoder())
    contract = contracts_at(backend, addresses)
    return System(
        backend=backend,
        tx=tx,
        registry=ParticipantRegistryClient(contract["ParticipantRegistry"], tx),
        cash=DigitalCashClient(contract["DigitalCash"], tx),
        bills=BillRegistryClient(contract["BillRegistry"], tx),
        deploy_gas=deploy_gas or {},
    )


def deploy(backend: ChainBackend, operator: LocalAccount) -> System:
    """Deploy registry, cash and bill registry; let the bill registry settle cash."""
    tx = Transactor(backend, error_decoder())
    backend.fund(operator.address)
    gas: dict[str, int] = {}
    registry, r = deploy_contract(tx, operator, "ParticipantRegistry", operator.address)
    gas["ParticipantRegistry"] = r.gas_used
    cash, r = deploy_contract(tx, operator, "DigitalCash", registry, operator.address)
    gas["DigitalCash"] = r.gas_used
    bills, r = deploy_contract(tx, operator, "BillRegistry", registry, cash)
    gas["BillRegistry"] = r.gas_used
    system = attach(backend, {"ParticipantRegistry": registry, "DigitalCash": cash, "BillRegistry": bills}, tx, gas)
    r = tx.send(operator, system.cash.contract.functions.grantRole(SETTLER_ROLE, bills))
    gas["grantSettler"] = r.gas_used
    return system


def address_book_path(data_dir: Path, chain_id: int) -> Path:
    return data_dir / "chains" / f"{chain_id}.json"


def deployed_addresses(backend: ChainBackend, operator: LocalAccount, data_dir: Path) -> dict[str, str]:
    """This chain's address book (<data-dir>/chains/<chain-id>.json), deploying the contracts the first
    time, or again when the chain no longer has them."""
    path = address_book_path(data_dir, backend.chain_id)
    if path.exists():
        book = json.loads(path.read_text())
        if all(backend.w3.eth.get_code(Web3.to_checksum_address(a)) for a in book["contracts"].values()):
            return dict(book["contracts"])
    system = deploy(backend, operator)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = {"chain_id": backend.chain_id, "backend": backend.name, "contracts": system.addresses}
    path.write_text(json.dumps(book, indent=2) + "\n")
    return system.addresses


def load_or_deploy(backend: ChainBackend, operator: LocalAccount, data_dir: Path) -> System:
    """Attach to the contracts of this chain's address book, deploying them the first time."""
    return attach(backend, deployed_addresses(backend, operator, data_dir))
