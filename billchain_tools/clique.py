"""A local proof-of-authority network: geth v1.13.15 processes sealing Clique blocks on loopback.

`CliqueNetwork.create(root, nodes, period)` writes, once:

    root/
      network.json          chain id, period, and per node: signer address, ports, enode
      genesis.json          Clique (period, epoch 30000), difficulty 1, extradata naming the signers
      node-N/keystore/      the signer's key (Web3 Secret Storage), unlocked by geth to seal blocks
      node-N/password       its passphrase (mode 0600; a test network's, random)
      node-N/nodekey        the node's p2p identity (its enode)
      node-N/config.toml    [Node.P2P] StaticNodes: every other node (geth ignores static-nodes.json)
      node-N/geth/          the chain database (`geth init` from genesis.json)
      node-N/geth.pid, geth.log

`up()` starts every node that is not running (state survives down/up: the same datadirs and
ports), then waits until each has peered with every other running node and blocks advance;
`down()` stops them (SIGTERM: geth writes its state); `kill(i)` is a SIGKILL (a crash).
`serve_command(i)` is the `billchain serve` of a gateway on node i, as `network up` prints it.

Why these rules (docs/DEPLOY.md): geth v1.13.15 is the last release that seals Clique blocks,
and a Clique chain stops before the merge. Its genesis ends at Berlin: with London's base fee a
zero gas price is invalid in a block (the base fee never falls to 0), and billchain's networks run
at gas price 0 (Besu: `zeroBaseFee`). The contracts are compiled for Paris; of what London and
Paris added they use no opcode (BASEFEE; PREVRANDAO is DIFFICULTY's opcode), so the same
artifacts run here. Every node seals; geth refuses `--miner.gasprice 0` at start (it puts
back its default, 1 gwei), so before it starts sealing a node is told `miner_setGasPrice 0`,
which lowers its pool's minimum tip to 0 as well: a zero-priced transaction sent to any node
reaches every signer, and whichever seals next includes it. (Without it only the node a
transaction was sent to would take it, as its own "local" transaction.) `--gcmode archive`
writes each block's state as it is imported, so a node killed with SIGKILL restarts at the
head it had.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import signal
import subprocess
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import httpx
from eth_account import Account
from eth_keys.datatypes import PrivateKey

from chain.backends import children
from chain.backends.anvil import free_port
from chain.deploy import address_book_path
from chain.keys import write_private

GETH_VERSION = "v1.13.15"
#: where `make setup` builds geth: outside the clone, so that a fresh clone (CI) finds it
GETH_CACHE = Path.home() / ".cache" / "billchain" / f"geth-{GETH_VERSION}" / "geth"
CHAIN_ID = 20_262
EPOCH = 30_000
GAS_LIMIT = 30_000_000  # as anvil's and the Besu genesis's (billchain_tools/network.py)
#: scrypt's cost for the signers' keys: a test network's random passphrases (geth decrypts them at start)
SCRYPT_N = 2**14
RPC_TIMEOUT_S = 3.0
#: how many times a node whose RPC port another process took is started again on fresh ports
REBINDS = 3
log = logging.getLogger("billchain.clique")
#: the HTTP port `network up` suggests for the gateway on node i: GATEWAY_PORT + i - 1
GATEWAY_PORT = 8000


class NetworkError(RuntimeError):
    """The network could not be created, started or reached; the message says which node and why."""


def geth_binary() -> Path:
    """BILLCHAIN_GETH, else the one `make setup` built; NetworkError if there is none."""
    configured = os.environ.get("BILLCHAIN_GETH")
    path = Path(configured) if configured else GETH_CACHE
    if not path.exists():
        raise NetworkError(f"no geth at {path}: run `make setup` (it builds geth {GETH_VERSION}) or set BILLCHAIN_GETH")
    return path


@dataclass(frozen=True)
class NodeSpec:
    """One node as created: its signer, its ports, its identity. Fixed for the network's life, but for the
    HTTP and auth RPC ports of a node that found one taken when it started (`_rebind`)."""

    index: int
    signer: str
    p2p_port: int
    http_port: int
    authrpc_port: int
    enode: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"


@dataclass(frozen=True)
class NodeStatus:
    index: int
    url: str
    running: bool
    head: int | None
    peers: int | None
    signers: list[str] | None


def rpc(url: str, method: str, params: list[Any] | None = None, timeout: float = RPC_TIMEOUT_S) -> Any:
    """One JSON-RPC call; NetworkError if the node does not answer or answers an error."""
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}
    try:
        answer = httpx.post(url, json=body, timeout=timeout).json()
    except (httpx.HTTPError, ValueError) as exc:
        raise NetworkError(f"{url} {method}: {exc}") from None
    if "error" in answer:
        raise NetworkError(f"{url} {method}: {answer['error']}")
    return answer["result"]


def clique_extradata(signers: list[str]) -> str:
    """32 zero bytes of vanity, the signers' addresses in ascending order, 65 zero bytes of seal."""
    ordered = sorted(bytes.fromhex(s.removeprefix("0x")) for s in signers)
    return "0x" + (bytes(32) + b"".join(ordered) + bytes(65)).hex()


def genesis(chain_id: int, signers: list[str], period: int) -> dict[str, Any]:
    """A Clique genesis up to Berlin (no base fee: gas price 0 is valid), no balances needed."""
    forks = ["homestead", "eip150", "eip155", "eip158", "byzantium", "constantinople", "petersburg"]
    forks += ["istanbul", "muirGlacier", "berlin"]
    clique = {"period": period, "epoch": EPOCH}
    return {
        "config": {"chainId": chain_id, **{f"{fork}Block": 0 for fork in forks}, "clique": clique},
        "nonce": "0x0",
        "timestamp": hex(int(time.time())),
        "gasLimit": hex(GAS_LIMIT),
        "difficulty": "0x1",
        "mixHash": "0x" + "00" * 32,
        "coinbase": "0x" + "00" * 20,
        "extradata": clique_extradata(signers),
        "alloc": {},
    }


class CliqueNetwork:
    """The network under `root`: created once, then started, stopped and killed node by node."""

    def __init__(self, root: Path) -> None:
        self.root = root
        try:
            facts = json.loads((root / "network.json").read_text())
        except (OSError, ValueError):
            raise NetworkError(f"no network at {root}: create it with `billchain network up --dir {root}`") from None
        self.chain_id: int = facts["chain_id"]
        self.period: int = facts["period"]
        self.nodes = [NodeSpec(**node) for node in facts["nodes"]]

    @classmethod
    def create(cls, root: Path, nodes: int = 4, period: int = 1) -> CliqueNetwork:
        """Keys, genesis, configs and initialised datadirs for `nodes` signers (NetworkError if `root`
        already holds a network: it is reused as it is, never overwritten)."""
        if (root / "network.json").exists():
            raise NetworkError(f"{root} already holds a network")
        geth = geth_binary()
        root.mkdir(parents=True, exist_ok=True)
        specs, node_keys = [], []
        for index in range(1, nodes + 1):
            node_dir = root / f"node-{index}"
            signer = Account.create()
            password = secrets.token_hex(16)
            write_private(node_dir / "password", password + "\n")
            keystore = Account.encrypt(signer.key, password, kdf="scrypt", iterations=SCRYPT_N)
            write_private(node_dir / "keystore" / f"signer-{signer.address.lower()}.json", json.dumps(keystore))
            node_key = PrivateKey(secrets.token_bytes(32))
            write_private(node_dir / "nodekey", node_key.to_hex().removeprefix("0x"))
            p2p = free_port()
            enode = f"enode://{node_key.public_key.to_hex().removeprefix('0x')}@127.0.0.1:{p2p}?discport=0"
            specs.append(NodeSpec(index, signer.address, p2p, free_port(), free_port(), enode))
            node_keys.append(node_key)
        facts = {"chain_id": CHAIN_ID, "period": period, "nodes": [asdict(s) for s in specs]}
        (root / "genesis.json").write_text(json.dumps(genesis(CHAIN_ID, [s.signer for s in specs], period), indent=2))
        for spec in specs:
            node_dir = root / f"node-{spec.index}"
            static = ", ".join(json.dumps(other.enode) for other in specs if other is not spec)
            (node_dir / "config.toml").write_text(f"[Node.P2P]\nStaticNodes = [{static}]\n")
            done = subprocess.run(
                [str(geth), "--datadir", str(node_dir), "init", str(root / "genesis.json")],
                capture_output=True,
                text=True,
                timeout=60,
            )
            if done.returncode != 0:
                raise NetworkError(f"geth init of node {spec.index}: {done.stderr[-2000:]}")
        (root / "network.json").write_text(json.dumps(facts, indent=2) + "\n")
        return cls(root)

    def node_dir(self, index: int) -> Path:
        return self.root / f"node-{index}"

    def node(self, index: int) -> NodeSpec:
        return self.nodes[index - 1]

    @property
    def urls(self) -> list[str]:
        return [n.url for n in self.nodes]

    def serve_command(self, index: int) -> list[str]:
        """The `billchain serve` of a gateway on node `index`, its data dir in the network's folder. Gas is free
        here, so --gas-price 0: without it a gateway pays the node's suggested price (geth's 1 gwei) from an
        account that holds nothing, and its first deployment is refused. Node 1's gateway deploys the platform;
        the others join it with its address book (docs/GATEWAYS.md), so node 1's starts first."""
        cmd = ["billchain", "serve", "--chain", self.node(index).url, "--gas-price", "0"]
        cmd += ["--data-dir", str(self.root / f"gateway-{index}"), "--port", str(GATEWAY_PORT + index - 1)]
        if index > 1:
            cmd += ["--contracts", str(address_book_path(self.root / "gateway-1", self.chain_id))]
        return cmd

    def _pid_file(self, index: int) -> children.PidFile:
        return children.PidFile(self.node_dir(index) / "geth.pid")

    def pid(self, index: int) -> int | None:
        found = self._pid_file(index).read()
        pid = int(found["pid"]) if found else 0
        if pid > 0 and children.alive(pid) and any("geth" in part for part in children.cmdline(pid)):
            return pid
        return None

    def running(self, index: int) -> bool:
        return self.pid(index) is not None

    def start(self, index: int, timeout: float = 90.0) -> None:
        """Start node `index` (nothing if it runs) and let it seal once it has joined: peered with every
        other running node and at their head. It outlives this process: `down` (or `stop`) stops it,
        found by its pid file."""
        if self.running(index):
            return
        self._spawn(index)
        self._seal_when_joined([index], timeout)

    def _seal_when_joined(self, indexes: list[int], timeout: float) -> None:
        """Nodes are started without sealing: one that sealed before it had its peers' blocks would fork
        the chain, and Clique can deadlock on forks of equal difficulty (each side's signers have "signed
        recently"). So: wait until each of `indexes` is peered with every other running node and has the
        highest head among them; then its pool's minimum tip 0 and its signer sealing (in that order:
        starting to seal puts back the tip set before, the module's docstring says why it is 0)."""
        deadline = time.monotonic() + timeout
        problem = "no answer"
        waiting = list(indexes)
        rebinds = 0
        while waiting:
            running = [s.index for s in self.nodes if self.running(s.index)]
            try:
                heads = {i: self.head(i) for i in running}
                for index in list(waiting):
                    if self.peers(index) >= len(running) - 1 and heads[index] >= max(heads.values()):
                        waiting.remove(index)
                    else:
                        problem = (
                            f"node {index}: head {heads[index]} of {max(heads.values())}, {self.peers(index)} peers"
                        )
            except (NetworkError, KeyError) as exc:
                problem = str(exc)
            for index in [i for i in waiting if not self.running(i) and self._lost_its_port(i)]:
                if rebinds >= REBINDS:
                    break
                rebinds += 1
                self._rebind(index)
            if waiting and (time.monotonic() > deadline or not all(self.running(i) for i in waiting)):
                raise NetworkError(f"nodes {waiting} did not join: {problem} (see {self.root}/node-*/geth.log)")
            if waiting:
                time.sleep(0.2)
        # A node takes propagated blocks only once it seals or has synced (geth's "synced" flag): started
        # first, the others then take the block the signer in turn seals at once, so it starts last.
        head = max(self.head(s.index) for s in self.nodes if self.running(s.index))
        ordered = sorted(s.signer.lower() for s in self.nodes)
        in_turn = ordered[(head + 1) % len(ordered)]
        for index in sorted(indexes, key=lambda i: self.node(i).signer.lower() == in_turn):
            rpc(self.node(index).url, "miner_setGasPrice", ["0x0"])
            rpc(self.node(index).url, "miner_start")

    def _lost_its_port(self, index: int) -> bool:
        """Whether node `index` exited because its HTTP or auth RPC port was taken: ports are picked free when
        the network is made, and another process (a test's anvil, a gateway) may take one before geth binds."""
        spec, geth_log = self.node(index), self.node_dir(index) / "geth.log"
        tail = geth_log.read_text(errors="replace")[-4000:] if geth_log.exists() else ""
        taken = re.search(r"listen tcp 127\.0\.0\.1:(\d+): bind: address already in use", tail)
        return taken is not None and int(taken.group(1)) in (spec.http_port, spec.authrpc_port)

    def _rebind(self, index: int) -> None:
        """Node `index` on fresh HTTP and auth RPC ports (its peers know it by its p2p port, which stays), written
        to network.json, and started again."""
        old = self.node(index)
        self.nodes[index - 1] = replace(old, http_port=free_port(), authrpc_port=free_port())
        facts = json.loads((self.root / "network.json").read_text())
        facts["nodes"] = [asdict(spec) for spec in self.nodes]
        (self.root / "network.json").write_text(json.dumps(facts, indent=2) + "\n")
        log.warning("node %d: port taken, started again on %s", index, self.node(index).url)
        self._spawn(index)

    def _spawn(self, index: int) -> None:
        spec, node_dir = self.node(index), self.node_dir(index)
        cmd = [str(geth_binary()), "--datadir", str(node_dir), "--config", str(node_dir / "config.toml")]
        cmd += ["--nodekey", str(node_dir / "nodekey"), "--networkid", str(self.chain_id)]
        cmd += ["--port", str(spec.p2p_port), "--nodiscover", "--ipcdisable", "--syncmode", "full"]
        cmd += ["--gcmode", "archive", "--cache", "128"]
        cmd += ["--http", "--http.addr", "127.0.0.1", "--http.port", str(spec.http_port)]
        cmd += ["--http.api", "eth,net,web3,clique,admin,txpool,miner", "--authrpc.port", str(spec.authrpc_port)]
        cmd += ["--miner.etherbase", spec.signer]  # sealing starts once it has joined (_seal_when_joined)
        cmd += ["--unlock", spec.signer, "--password", str(node_dir / "password"), "--allow-insecure-unlock"]
        cmd += ["--verbosity", "3"]
        with open(node_dir / "geth.log", "ab") as log:
            process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self._pid_file(index).write(process.pid, url=spec.url)

    def stop(self, index: int) -> None:
        """SIGTERM (geth writes its state), then wait for it to exit."""
        pid = self.pid(index)
        if pid is not None:
            children.stop(pid, timeout=30)
        self._pid_file(index).path.unlink(missing_ok=True)

    def kill(self, index: int) -> None:
        """SIGKILL node `index`: no goodbye to its peers, nothing written on the way out."""
        pid = self.pid(index)
        if pid is None:
            raise NetworkError(f"node {index} is not running")
        os.kill(pid, signal.SIGKILL)
        while children.alive(pid):
            time.sleep(0.02)
        self._pid_file(index).path.unlink(missing_ok=True)

    def up(self, timeout: float = 90.0) -> None:
        """Start every node that is not running, let them seal once all have joined, then wait until
        blocks advance on each."""
        stopped = [s.index for s in self.nodes if not self.running(s.index)]
        for index in stopped:
            self._spawn(index)
        self._seal_when_joined(stopped, timeout)
        self.wait_ready([s.index for s in self.nodes], timeout)

    def down(self) -> None:
        for spec in self.nodes:
            self.stop(spec.index)

    def head(self, index: int) -> int:
        return int(rpc(self.node(index).url, "eth_blockNumber"), 16)

    def peers(self, index: int) -> int:
        return int(rpc(self.node(index).url, "net_peerCount"), 16)

    def wait_ready(self, indexes: list[int], timeout: float = 90.0) -> None:
        """Until each node in `indexes` answers, is peered with every other running node and has seen
        a new block; NetworkError naming what is missing past `timeout`."""
        deadline = time.monotonic() + timeout
        heads: dict[int, int] = {}
        last = "no node answered"
        while time.monotonic() < deadline:
            try:
                running = sum(self.running(s.index) for s in self.nodes)
                pending = []
                for index in indexes:
                    head, peers = self.head(index), self.peers(index)
                    heads.setdefault(index, head)
                    if peers < running - 1 or head <= heads[index]:
                        pending.append(f"node {index}: head {head}, {peers} of {running - 1} peers")
                if not pending:
                    return
                last = "; ".join(pending)
            except NetworkError as exc:
                last = str(exc)
            time.sleep(0.3)
        raise NetworkError(f"the network is not ready after {timeout:.0f} s: {last} (see {self.root}/node-*/geth.log)")

    def wait_synced(self, index: int, with_index: int, timeout: float = 90.0) -> int:
        """Until node `index`'s head reaches `with_index`'s (as it was when this was called); its head."""
        target = self.head(with_index)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(NetworkError):
                head = self.head(index)
                if head >= target:
                    return head
            time.sleep(0.3)
        raise NetworkError(f"node {index} did not reach block {target} in {timeout:.0f} s")

    def sealer(self, block: int, index: int | None = None) -> str:
        """The signer that sealed `block` (clique_getSigner), asked of node `index` (any running one)."""
        at = index or next(s.index for s in self.nodes if self.running(s.index))
        return str(rpc(self.node(at).url, "clique_getSigner", [hex(block)]))

    def status(self) -> list[NodeStatus]:
        found = []
        for spec in self.nodes:
            head = peers = signers = None
            if self.running(spec.index):
                with contextlib.suppress(NetworkError):
                    head, peers = self.head(spec.index), self.peers(spec.index)
                    signers = [str(s) for s in rpc(spec.url, "clique_getSigners", ["latest"])]
            found.append(NodeStatus(spec.index, spec.url, self.running(spec.index), head, peers, signers))
        return found
