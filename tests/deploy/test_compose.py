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
PINNED = re.compile(r"^[\w./-]+:\d+(\.\d+)+([\w.-]*)$")  # name:1.2.3, never :latest or untagged


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def _options(service: dict[str, Any]) -> dict[str, str]:
    """--flag=value options of a command, flags without a value as ""."""
    pairs = (o.removeprefix("--").partition("=") for o in service["command"] if o.startswith("--"))
    return {name: value for name, _, value in pairs}


def test_the_services_are_four_validators_a_gateway_and_postgres(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {*VALIDATORS, "gateway", "postgres"}


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
        assert {"QBFT", "PERM", "ETH"} <= set(options["rpc-http-api"].split(","))
        mounts = {m.split(":")[1]: m.split(":")[0] for m in service["volumes"]}
        assert mounts["/opt/besu/node"] == f"./network/{name}"  # its key and permissions file
        assert mounts["/opt/besu/data"] == f"{name}-data" and f"{name}-data" in compose["volumes"]
        ip = service["networks"]["billchain"]["ipv4_address"]
        assert service["environment"]["BESU_P2P_HOST"] == ip  # what its peers' allowlists expect
        ips.add(ip)
    assert len(ips) == 4


def test_compose_mounts_exactly_what_the_generator_writes(compose: dict[str, Any], tmp_path: Path) -> None:
    network = generate(tmp_path / "network")
    enode_ips = {v.ip for v in network.validators}
    for name in VALIDATORS:
        service = compose["services"][name]
        assert service["networks"]["billchain"]["ipv4_address"] in enode_ips  # static nodes reach it
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
    validator_ip = compose["services"]["validator-1"]["networks"]["billchain"]["ipv4_address"]
    assert options["chain"] == f"http://{validator_ip}:8545" and options["gas-price"] == "0"
    assert gateway["build"] == "." and (ROOT / "Dockerfile").exists()
    env = gateway["environment"]
    assert env["BILLCHAIN_DATABASE_URL"].startswith("postgresql+psycopg://billchain:")
    assert "@postgres:5432/billchain" in env["BILLCHAIN_DATABASE_URL"]
    assert "${BILLCHAIN_OPERATOR_TOKEN:?" in env["BILLCHAIN_OPERATOR_TOKEN"]  # required, never written here
    assert gateway["depends_on"] == {
        "validator-1": {"condition": "service_healthy"},
        "postgres": {"condition": "service_healthy"},
    }
    postgres = compose["services"]["postgres"]
    assert "pg_isready" in postgres["healthcheck"]["test"][1]
    assert postgres["volumes"] == ["postgres-data:/var/lib/postgresql/data"]
    assert "${POSTGRES_PASSWORD:?" in postgres["environment"]["POSTGRES_PASSWORD"]


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
