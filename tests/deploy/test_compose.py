"""docker-compose.yml and the Dockerfile, checked for structure (no Docker engine runs here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from billchain_tools.network import BLOCK_PERIOD_S, generate

ROOT = Path(__file__).resolve().parents[2]
VALIDATORS = [f"validator-{i}" for i in range(1, 5)]
NODES = [*VALIDATORS, "gateway-node"]
#: what no RPC the gateway reaches may serve: validator votes, node administration, pool and tracing
NODE_OPERATORS_APIS = {"QBFT", "IBFT", "CLIQUE", "ADMIN", "TXPOOL", "DEBUG", "TRACE", "MINER", "PLUGINS"}
PINNED = re.compile(r"^[\w./-]+:\d+(\.\d+)+([\w.-]*)$")  # name:1.2.3, never :latest or untagged


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def _options(service: dict[str, Any]) -> dict[str, str]:
    """--flag=value options of a command, flags without a value as "", with Besu's BESU_* environment
    variables (BESU_RPC_HTTP_API is --rpc-http-api)."""
    pairs = (o.removeprefix("--").partition("=") for o in service["command"] if o.startswith("--"))
    options = {name: value for name, _, value in pairs}
    for name, value in (service.get("environment") or {}).items():
        if name.startswith("BESU_"):
            options[name.removeprefix("BESU_").lower().replace("_", "-")] = str(value)
    return options


def _networks(service: dict[str, Any]) -> set[str]:
    return set(service.get("networks", []))  # a list of names, or a mapping by name


def test_the_services_are_four_validators_the_gateways_node_a_gateway_and_postgres(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {*NODES, "gateway", "postgres"}


def test_every_image_is_pinned_and_every_service_has_a_healthcheck(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        assert PINNED.match(service["image"]), f"{name}: image {service['image']} is not pinned to a version"
        check = service["healthcheck"]
        assert check["test"] and check["interval"] and check["retries"] >= 3, name
        assert service.get("restart") == "unless-stopped", name


def test_validators_run_qbft_with_free_gas_and_both_allowlists(compose: dict[str, Any]) -> None:
    ips = set()
    for name in VALIDATORS:
        service = compose["services"][name]
        options = _options(service)
        assert service["image"].startswith("hyperledger/besu:")
        assert options["min-gas-price"] == "0"
        assert options["genesis-file"] == "/config/genesis.json"
        assert "permissions-nodes-config-file-enabled" in options
        assert "permissions-accounts-config-file-enabled" in options
        assert set(options["rpc-http-api"].split(",")) == {"ETH", "NET", "WEB3", "QBFT", "PERM"}
        mounts = {m.split(":")[1]: m.split(":")[0] for m in service["volumes"]}
        assert mounts["/opt/besu/node"] == f"./network/{name}"  # its key and permissions file
        assert mounts["/opt/besu/data"] == f"{name}-data" and f"{name}-data" in compose["volumes"]
        ip = service["networks"]["p2p"]["ipv4_address"]
        assert service["environment"]["BESU_P2P_HOST"] == ip  # what its peers' allowlists expect
        ips.add(ip)
    assert len(ips) == 4


def test_compose_mounts_exactly_what_the_generator_writes(compose: dict[str, Any], tmp_path: Path) -> None:
    network = generate(tmp_path / "network")
    enode_ips = {v.ip for v in [*network.validators, network.gateway_node]}
    for name in NODES:
        service = compose["services"][name]
        assert service["networks"]["p2p"]["ipv4_address"] in enode_ips  # static nodes reach it
        for mount in service["volumes"]:
            host = mount.split(":")[0]
            if host.startswith("./network/"):
                assert (tmp_path / host.removeprefix("./")).exists(), host
        options = _options(service)
        for flag in ("node-private-key-file", "permissions-accounts-config-file"):
            assert (tmp_path / "network" / name / Path(options[flag]).name).exists()
    gateway_mount = compose["services"]["gateway"]["volumes"][0].split(":")[0]
    assert (tmp_path / gateway_mount.removeprefix("./") / "keys" / "operator.json").exists()
    assert BLOCK_PERIOD_S == 2


def test_the_gateway_reaches_the_network_by_url_and_keeps_its_data_in_postgres(compose: dict[str, Any]) -> None:
    gateway = compose["services"]["gateway"]
    options = _options(gateway)
    node_ip = compose["services"]["gateway-node"]["networks"]["rpc"]["ipv4_address"]
    assert options["chain"] == f"http://{node_ip}:8545" and options["gas-price"] == "0"
    assert gateway["build"] == "." and (ROOT / "Dockerfile").exists()
    env = gateway["environment"]
    assert env["BILLCHAIN_DATABASE_URL"].startswith("postgresql+psycopg://billchain:")
    assert "@postgres:5432/billchain" in env["BILLCHAIN_DATABASE_URL"]
    assert "${BILLCHAIN_OPERATOR_TOKEN:?" in env["BILLCHAIN_OPERATOR_TOKEN"]  # required, never written here
    assert gateway["depends_on"] == {
        "gateway-node": {"condition": "service_healthy"},
        "postgres": {"condition": "service_healthy"},
    }
    postgres = compose["services"]["postgres"]
    assert "pg_isready" in postgres["healthcheck"]["test"][1]
    assert postgres["volumes"] == ["postgres-data:/var/lib/postgresql/data"]
    assert "${POSTGRES_PASSWORD:?" in postgres["environment"]["POSTGRES_PASSWORD"]


def test_the_gateway_reaches_one_node_whose_rpc_serves_no_node_operators_power(compose: dict[str, Any]) -> None:
    """Finding 6 (issue 13): Besu listened on 0.0.0.0 with `--host-allowlist=*` and QBFT, PERM and TXPOOL
    open to everything on the network. The gateway reaches its own node only, on an internal network;
    that node's RPC listens on that network's address alone and cannot vote, administer or trace."""
    services = compose["services"]
    gateway, node = services["gateway"], services["gateway-node"]
    assert _networks(gateway) == {"rpc", "data", "edge"}
    members = {name for name, service in services.items() if "rpc" in _networks(service)}
    assert members == {"gateway", "gateway-node"}
    assert compose["networks"]["rpc"]["internal"] is True and compose["networks"]["data"]["internal"] is True
    options = _options(node)
    assert options["rpc-http-host"] == node["networks"]["rpc"]["ipv4_address"]  # not 0.0.0.0, not p2p
    assert set(options["rpc-http-api"].split(",")) == {"ETH", "NET", "WEB3", "PERM"}
    assert "ports" not in node  # nothing published: only the gateway reaches it
    assert options["host-allowlist"].split(",") == [options["rpc-http-host"], "localhost"]
    for name in VALIDATORS:  # a validator's RPC: never on a network the gateway is on
        assert not _networks(services[name]) & _networks(gateway), name


def test_no_rpc_is_open_to_every_host_and_every_published_port_is_on_the_loopback(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        options = _options(service) if name in NODES else {}
        assert "*" not in options.get("host-allowlist", ""), name
        assert not set(options.get("rpc-http-api", "").split(",")) & NODE_OPERATORS_APIS - {"QBFT"}, name
        if "QBFT" in options.get("rpc-http-api", ""):
            assert name in VALIDATORS  # votes only on a validator's own RPC, for its operator
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), f"{name} publishes {port} beyond the host"
        assert "rpc-ws-enabled" not in options and "graphql-http-enabled" not in options, name
    assert _networks(compose["services"]["postgres"]) == {"data"}


def test_the_gateway_believes_forwarded_addresses_from_the_edge_bridge_only(compose: dict[str, Any]) -> None:
    """The host's TLS proxy arrives through the edge bridge's gateway address: that one, never `*`."""
    trusted = compose["services"]["gateway"]["environment"]["BILLCHAIN_TRUSTED_PROXIES"]
    subnet = compose["networks"]["edge"]["ipam"]["config"][0]["subnet"]
    assert trusted == subnet.rsplit(".", 1)[0] + ".1"


def test_the_dockerfile_installs_the_wheel_with_postgres_and_runs_unprivileged() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    bases = re.findall(r"^FROM (\S+)", dockerfile, re.M)
    assert bases and all(PINNED.match(b) and "python:3.11" in b for b in bases)
    assert re.search(r"^RUN pip wheel --no-deps --wheel-dir /wheels \.$", dockerfile, re.M)  # a wheel is built
    assert "COPY --from=wheel /wheels /wheels" in dockerfile and "billchain-*.whl)[postgres]" in dockerfile
    assert "pip install -e" not in dockerfile and "artifacts" not in dockerfile  # package data, not the tree
    assert re.search(r"^USER billchain$", dockerfile, re.M)
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert "network" in ignored and ".git" in ignored  # no keys and no history in the image
