"""Deploy the platform and keep an address book per chain in the data dir.

Who holds which power is fixed here, once: the operator gets the OPERATOR role of the
participant registry and nothing else; the registry's admin (who may grant that role) is
the AdminTimelock, whose changes wait out `admin_delay`; the digital cash is created by
the bill registry, which alone settles in it for good. No role anyone can grant moves cash.
The OperationRelay, which runs what participants sign for themselves (docs/SIGNING.md), is
the one forwarder the three contracts trust; each side's address is fixed in the other's
constructor, so the relay is deployed to the addresses the next deployments will get.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import rlp
from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address
from web3 import Web3
from web3.contract import Contract

from chain.artifacts import load_artifact
from chain.backends.base import ChainBackend
from chain.clients import BillRegistryClient, DigitalCashClient, ParticipantRegistryClient
from chain.errors import ErrorDecoder
from chain.relay import RelayClient
from chain.tx import Transactor, TxResult

PLATFORM_CONTRACTS = ("ParticipantRegistry", "DigitalCash", "BillRegistry", "AdminTimelock", "OperationRelay")
OPERATOR_ROLE = Web3.keccak(text="OPERATOR")
#: how long a change of who runs the platform (an operator added or removed) waits before it takes effect
ADMIN_DELAY_S = 2 * 86_400
ANYONE = "0x0000000000000000000000000000000000000000"


@dataclass
class System:
    """The deployed platform: one typed client per contract, sharing one transactor."""

    backend: ChainBackend
    tx: Transactor
    registry: ParticipantRegistryClient
    cash: DigitalCashClient
    bills: BillRegistryClient
    timelock: Contract
    relay: RelayClient
    deploy_gas: dict[str, int]

    @property
    def addresses(self) -> dict[str, str]:
        return {name: str(contract.address) for name, contract in self.contracts.items()}

    @property
    def contracts(self) -> dict[str, Contract]:
        return {
            "ParticipantRegistry": self.registry.contract,
            "DigitalCash": self.cash.contract,
            "BillRegistry": self.bills.contract,
            "AdminTimelock": self.timelock,
            "OperationRelay": self.relay.contract,
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
    relay = RelayClient(contract["OperationRelay"], tx, contract["BillRegistry"])
    return System(
        backend=backend,
        tx=tx,
        registry=ParticipantRegistryClient(contract["ParticipantRegistry"], tx, relay),
        cash=DigitalCashClient(contract["DigitalCash"], tx, relay),
        bills=BillRegistryClient(contract["BillRegistry"], tx, relay),
        timelock=contract["AdminTimelock"],
        relay=relay,
        deploy_gas=deploy_gas or {},
    )


def create_address(deployer: str, nonce: int) -> str:
    """Where the contract `deployer` creates with its transaction (or CREATE) number `nonce` lands."""
    return to_checksum_address(keccak(rlp.encode([bytes.fromhex(deployer[2:]), nonce]))[12:])


def _constructor_inputs(name: str) -> list[dict[str, object]]:
    for entry in load_artifact(name).abi:
        if entry["type"] == "constructor":
            return list(entry["inputs"])
    return []


def deploy(backend: ChainBackend, operator: LocalAccount, admin_delay: int = ADMIN_DELAY_S) -> System:
    """The admin timelock, the relay of signed operations, the participant registry (its admin the timelock,
    the operator its OPERATOR) and the bill registry, which creates the digital cash it settles in."""
    tx = Transactor(backend, error_decoder())
    backend.fund(operator.address)
    gas: dict[str, int] = {}
    timelock, r = deploy_contract(tx, operator, "AdminTimelock", admin_delay, [operator.address], [ANYONE])
    gas["AdminTimelock"] = r.gas_used
    nonce = backend.w3.eth.get_transaction_count(operator.address)
    registry_at = create_address(operator.address, nonce + 1)
    bills_at = create_address(operator.address, nonce + 2)
    cash_at = create_address(bills_at, 1)  # the bill registry's own first creation
    relay, r = deploy_contract(tx, operator, "OperationRelay", registry_at, bills_at, cash_at)
    gas["OperationRelay"] = r.gas_used
    registry_args: list[object] = [operator.address, timelock, relay, cash_at]  # the cash moves with a key recovery
    if len(_constructor_inputs("ParticipantRegistry")) < len(registry_args):
        registry_args.pop()  # a registry older than issue 27 (`billchain gas-bench --against` deploys them)
    registry, r = deploy_contract(tx, operator, "ParticipantRegistry", *registry_args)
    gas["ParticipantRegistry"] = r.gas_used
    bills, r = deploy_contract(tx, operator, "BillRegistry", registry, relay)
    gas["BillRegistry (and its DigitalCash)"] = r.gas_used
    cash = backend.w3.eth.contract(address=Web3.to_checksum_address(bills), abi=load_artifact("BillRegistry").abi)
    addresses = {
        "ParticipantRegistry": registry,
        "DigitalCash": str(cash.functions.cash().call()),
        "BillRegistry": bills,
        "AdminTimelock": timelock,
        "OperationRelay": relay,
    }
    if (registry, bills, addresses["DigitalCash"]) != (registry_at, bills_at, cash_at):
        raise RuntimeError(f"the operator sent another transaction during the deployment: {addresses}")
    return attach(backend, addresses, tx, gas)


def address_book_path(data_dir: Path, chain_id: int) -> Path:
    return data_dir / "chains" / f"{chain_id}.json"


def deployed_addresses(
    backend: ChainBackend, operator: LocalAccount, data_dir: Path, admin_delay: int = ADMIN_DELAY_S
) -> dict[str, str]:
    """This chain's address book (<data-dir>/chains/<chain-id>.json), deploying the contracts the first
    time, or again when the chain no longer has them (all of this platform's: an older book is redone)."""
    path = address_book_path(data_dir, backend.chain_id)
    if path.exists():
        book = json.loads(path.read_text())
        contracts = book["contracts"]
        if set(contracts) == set(PLATFORM_CONTRACTS) and all(
            backend.w3.eth.get_code(Web3.to_checksum_address(a)) for a in contracts.values()
        ):
            return dict(contracts)
    system = deploy(backend, operator, admin_delay)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = {"chain_id": backend.chain_id, "backend": backend.name, "contracts": system.addresses}
    path.write_text(json.dumps(book, indent=2) + "\n")
    return system.addresses


class PlatformNotFound(ValueError):
    """The address book given to join names no platform this chain has."""


def joined_addresses(backend: ChainBackend, source: Path, data_dir: Path) -> dict[str, str]:
    """The platform another gateway deployed, from its address book or its /v1/health answer (`source`),
    checked against this chain (same chain id, code at every address) and kept as this data dir's own
    address book. A gateway that joins never deploys: every gateway of the platform uses one set."""
    try:
        book = json.loads(source.read_text(encoding="utf-8"))
        contracts: dict[str, str] = {
            name: str(Web3.to_checksum_address(book["contracts"][name])) for name in PLATFORM_CONTRACTS
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PlatformNotFound(f"{source}: not an address book of the platform's contracts ({exc})") from None
    chain_id = book.get("chain_id", (book.get("chain") or {}).get("chain_id"))
    if chain_id is not None and chain_id != backend.chain_id:
        raise PlatformNotFound(f"{source} is for chain {chain_id}; this node runs chain {backend.chain_id}")
    missing = [
        name for name, address in contracts.items() if not backend.w3.eth.get_code(Web3.to_checksum_address(address))
    ]
    if missing:
        raise PlatformNotFound(f"{source}: this chain has no code at {', '.join(missing)}")
    path = address_book_path(data_dir, backend.chain_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"chain_id": backend.chain_id, "backend": backend.name, "contracts": contracts}, indent=2) + "\n"
    )
    return contracts


def load_or_deploy(backend: ChainBackend, operator: LocalAccount, data_dir: Path) -> System:
    """Attach to the contracts of this chain's address book, deploying them the first time."""
    return attach(backend, deployed_addresses(backend, operator, data_dir))
