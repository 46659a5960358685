"""The tools' commands of `billchain`: replay, demo, compile, walkthrough, bench, faults, gas-bench.

They are found by the production command line (gateway/cli.py) through the
`billchain.commands` entry point and imported only when one of them runs: a
`billchain serve` never loads this package.
"""

from __future__ import annotations

import json
import signal
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from chain.zk.circuits import Keys

app = typer.Typer(help="billchain's tools for testers, benchmarkers and operators.")
console = Console()

DataDir = Annotated[Path, typer.Option("--data-dir", help="Where keys, address books and chain state live.")]


@app.command()
def compile(
    build_info: Annotated[
        bool, typer.Option("--build-info", help="Also write artifacts/build-info for slither.")
    ] = True,
) -> None:
    """Compile the contracts into artifacts/ (reproducible: ABI, bytecode, compiler, source hash)."""
    from chain.compile import compile_contracts, write_artifacts

    artifacts, info = compile_contracts()
    write_artifacts(artifacts, info, keep_build_info=build_info)
    for name, artifact in sorted(artifacts.items()):
        size = (len(artifact.deployed_bytecode) - 2) // 2
        console.print(f"{name:22} {size:6} bytes  {artifact.compiler}")


@app.command()
def walkthrough(
    data_dir: DataDir = Path(".billchain"),
) -> None:
    """Deploy on a fresh embedded chain and walk one bill through its whole life, with gas per step."""
    from billchain_tools.walkthrough import run_walkthrough
    from chain.backends.embedded import EmbeddedBackend
    from chain.keys import Keystore

    backend = EmbeddedBackend()
    keystore = Keystore(data_dir / "walkthrough")
    system, steps = run_walkthrough(backend, keystore)
    console.print(f"[bold]billchain[/bold] on the embedded chain (chain id {backend.chain_id})")
    for name, address in system.addresses.items():
        console.print(f"  {name:20} {address}")
    for name, gas in system.deploy_gas.items():
        console.print(f"  deploy {name:13} {gas:>9,} gas")
    table = Table(
        title="One bill's life: issue → accept → receive → split endorse → sign → discount (DvP) → present → pay"
    )
    for column in ("#", "operation", "by", "what happened", "gas"):
        table.add_column(column, justify="right" if column in ("#", "gas") else "left")
    for i, step in enumerate(steps, 1):
        table.add_row(str(i), step.operation, step.actor, step.detail, f"{step.gas:,}")
    console.print(table)
    bill = system.bills.bill(1)
    console.print(f"Bill 1 is {bill.status.name}; cash supply {system.cash.total_supply() / 100:,.2f} = minted.")


@app.command()
def replay(
    paths: Annotated[list[Path], typer.Argument(help="Scenario files, or directories of *.yaml files.")],
    target: Annotated[str, typer.Option(help="embedded, or a running gateway's http://HOST:PORT.")] = "embedded",
    operator_token: Annotated[
        str | None, typer.Option(envvar="BILLCHAIN_OPERATOR_TOKEN", help="For a URL target.")
    ] = None,
    junit: Annotated[Path | None, typer.Option(help="Write JUnit XML here.")] = None,
    json_report: Annotated[Path | None, typer.Option("--json", help="Write the full results as JSON here.")] = None,
    fail_fast: Annotated[bool, typer.Option("--fail-fast", help="Stop at the first failing scenario.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="Print tables only for failing scenarios.")] = False,
    schema: Annotated[bool, typer.Option("--schema", help="Print the scenario JSON Schema and exit.")] = False,
    self_custody: Annotated[
        bool,
        typer.Option(
            "--self-custody",
            help="Onboard every participant with a key made here (the gateway gets only its address) and sign "
            "each of its writes here (docs/SIGNING.md).",
        ),
    ] = False,
    gateways: Annotated[
        Path | None,
        typer.Option(
            "--gateways",
            help="A placement (YAML or JSON): the other gateways of the platform, which serves whom, who is in "
            "self-custody (billchain_tools/replay/placement.py, docs/GATEWAYS.md). The --target is the operator's.",
        ),
    ] = None,
    jobs: Annotated[
        int, typer.Option(min=1, max=64, help="Scenarios replayed at once against a URL target (each on its own).")
    ] = 1,
    regulator_token: Annotated[
        str | None,
        typer.Option(
            envvar="BILLCHAIN_REGULATOR_TOKEN",
            help="For a URL target that has an ACTIVE REGULATOR already: its token there, to approve the "
            "scenarios' regulators (each starts PENDING), unless a step approves it.",
        ),
    ] = None,
) -> None:
    """Replay scenario files (SCENARIOS.md) against a fresh embedded chain or running gateways."""
    from billchain_tools.replay.runner import run_replay

    code = run_replay(
        paths,
        target,
        operator_token,
        junit,
        json_report,
        fail_fast,
        quiet,
        schema,
        console,
        self_custody,
        gateways,
        jobs,
        regulator_token,
    )
    raise typer.Exit(code)


@app.command()
def demo() -> None:
    """Replay the headline supply-chain scenario on the embedded chain and tell its story."""
    from billchain_tools.replay.story import demo as tell

    raise typer.Exit(tell(console))


@app.command()
def bench(
    chain: Annotated[
        str, typer.Option(help="embedded, anvil, or network (four local geth signers: billchain network).")
    ] = "embedded",
    block_time: Annotated[
        int | None,
        typer.Option(min=1, help="anvil and network: a block every N whole seconds (default 1)."),
    ] = None,
    clients: Annotated[
        list[int] | None, typer.Option(min=1, help="Concurrent HTTP clients; repeat for several.")
    ] = None,
    ops: Annotated[int, typer.Option(min=2, help="Operations (transactions) per run at the most clients.")] = 2000,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the figures here as JSON.")] = None,
    batch_size: Annotated[
        int, typer.Option(min=0, max=256, help="Also the raw operations relayed N to a transaction (0: not).")
    ] = 0,
    gas_limit: Annotated[
        int | None, typer.Option(min=1_000_000, help="anvil: a block's gas limit (default anvil's 30,000,000).")
    ] = None,
    gateway: Annotated[
        bool, typer.Option(help="Run the gateway levels (--no-gateway: the raw and batch runs only, on as many lanes).")
    ] = True,
    bundle_writes: Annotated[
        bool,
        typer.Option("--bundle-writes", help="The gateway bundles its hosted callers' writes (serve --bundle-writes)."),
    ] = False,
    waiting: Annotated[
        bool,
        typer.Option(
            "--waiting",
            help="Also the raw rate of max(clients) clients each waiting for its receipt: a gateway level's bound.",
        ),
    ] = False,
) -> None:
    """Gateway throughput over HTTP against the raw eth_sendRawTransaction rate of the same node and run."""
    from billchain_tools.bench import bundle_summary, run_bench

    # SIGTERM as an exit, so that the gateway and the node the bench started are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    levels = sorted(set(clients or [1, 16, 64]))
    if block_time is None and chain in ("anvil", "network"):
        block_time = 1
    report = run_bench(
        chain,
        block_time,
        levels,
        ops,
        log=lambda line: console.print(f"[dim]{line}[/dim]"),
        batch_size=batch_size,
        gas_limit=gas_limit,
        gateway=gateway,
        bundle_writes=bundle_writes,
        waiting=waiting,
    )
    every = f"a block every {block_time} s" if block_time else "a block per transaction"  # embedded
    bundled = ", writes bundled" if bundle_writes else ""
    table = Table(title=f"Throughput on {chain} ({every}{bundled}); ratio: to the raw rate of this run")
    for column in ("sender", "ops/s", "ratio", "p50 ms", "p95 ms", "p99 ms", "errors", "CPU ms/op"):
        table.add_column(column, justify="left" if column == "sender" else "right")
    raw = report.raw.ops_per_s
    table.add_row(f"raw, {report.raw.operations} ops", f"{raw:.1f}", "1.000", "", "", "", "", "")
    if report.batch is not None:
        b = report.batch
        table.add_row(
            f"raw, batches of {b.size}, {b.operations} ops", f"{b.ops_per_s:.1f}", f"{b.ops_per_s / raw:.3f}", *[""] * 5
        )
    if report.waiting is not None:
        w = report.waiting
        sender = f"raw, {report.waiting_clients} clients waiting, {w.operations} ops"
        table.add_row(sender, f"{w.ops_per_s:.1f}", f"{w.ops_per_s / raw:.3f}", *[""] * 5)
    for level in report.levels:
        table.add_row(
            f"gateway, {level.clients} clients, {level.operations} ops",
            f"{level.ops_per_s:.1f}",
            f"{level.ops_per_s / raw:.3f}",
            *(f"{level.percentile(p):.0f}" for p in (50, 95, 99)),
            str(level.errors),
            f"{level.cpu_ms_per_op:.1f}",
        )
    console.print(table)
    console.print("gas per operation: " + ", ".join(f"{k} {v:,}" for k, v in report.raw.gas.items()))
    if report.batch is not None:
        inside = ", ".join(f"{k} {v:,}" for k, v in report.batch.gas_per_op.items())
        console.print(f"gas per operation in a batch of {report.batch.size}: {inside}")
    for level in report.levels:
        if (share := report.ratio_to_waiting(level)) is not None:
            console.print(f"gateway at {level.clients} clients ÷ as many raw clients waiting: {share:.3f}")
        if level.error_kinds:
            console.print(f"errors at {level.clients} clients: {level.error_kinds}")
        if level.bundles:
            console.print(f"bundles at {level.clients} clients: {bundle_summary(level.bundles)}")
    if json_path is not None:
        json_path.write_text(json.dumps(report.as_json(), indent=2) + "\n")


@app.command()
def faults(
    chain: Annotated[list[str] | None, typer.Option(help="embedded and/or anvil; repeat for both.")] = None,
    writes: Annotated[int, typer.Option(min=2, help="Keyed writes per chain.")] = 500,
    kills: Annotated[int, typer.Option(min=0, help="SIGKILLs of the gateway per chain, at random moments.")] = 12,
    clients: Annotated[int, typer.Option(min=1, help="Concurrent HTTP clients.")] = 16,
    seed: Annotated[int, typer.Option(help="Seeds the kill moments.")] = 1,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the figures here as JSON.")] = None,
) -> None:
    """Writes while the gateway is SIGKILLed and restarted; then chain, index and answers are checked.
    Exit 1 if anything acknowledged was lost or happened twice, or a 5xx or 4xx was seen."""
    from billchain_tools.faults import run_faults

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    reports = [
        run_faults(name, writes, kills, clients, seed, log=lambda line: console.print(f"[dim]{line}[/dim]"))
        for name in chain or ["embedded", "anvil"]
    ]
    table = Table(title="Writes under SIGKILL (every unanswered request retried with its key)")
    columns = ("chain", "writes", "kills", "retried", "settled", "lost", "twice", "index", "5xx", "4xx")
    for column in columns:
        table.add_column(column, justify="right")
    for r in reports:
        settled = f"{r.reconciled.get('done', 0)}+{r.reconciled.get('abandoned', 0)}"  # on start: done+never
        figures = (r.writes, r.kills, r.retries, settled, r.lost, r.duplicates, r.index_mismatches, r.five_xx)
        table.add_row(r.chain, *(str(x) for x in figures), str(len(r.client_errors)))
    Console(width=120).print(table)  # wider than a pipe's 80 columns
    for r in reports:
        for error in r.client_errors[:5]:
            console.print(f"[red]{r.chain}: {error}[/red]")
    if json_path is not None:
        json_path.write_text(json.dumps([r.as_json() for r in reports], indent=2) + "\n")
    raise typer.Exit(0 if all(r.clean for r in reports) else 1)


@app.command("gas-bench")
def gas_bench(
    against: Annotated[
        str | None,
        typer.Option(help="A git revision: compile its contracts with today's settings and compare every row."),
    ] = None,
    max_rise: Annotated[float, typer.Option(help="With --against: exit 1 past this rise on any row, in %.")] = 1.0,
) -> None:
    """Gas per operation against an OpenZeppelin ERC-721 mint and transfer, measured in the same run."""
    from billchain_tools.gas_bench import SIGNATURE_OVERHEAD_TARGET, compare, measure, signed_operations
    from chain.backends.embedded import EmbeddedBackend
    from chain.keys import Keystore

    if against is not None:
        try:
            rows = compare(against)
        except ValueError as exc:
            console.print(str(exc), markup=False)
            raise typer.Exit(2) from None
        table = Table(title=f"Gas per operation: the contracts of {against} against today's (one run)")
        for column in ("operation", against, "today", "change"):
            table.add_column(column, justify="left" if column == "operation" else "right")
        for r in rows:
            table.add_row(r.operation, f"{r.before:,}", f"{r.after:,}", f"{r.change:+.2f} %")
        console.print(table)
        worst = max(rows, key=lambda r: r.change)
        console.print(f"largest rise: {worst.operation} {worst.change:+.2f} % (at most {max_rise:+.2f} %)")
        raise typer.Exit(0 if worst.change <= max_rise else 1)
    with tempfile.TemporaryDirectory() as tmp:
        keystore = Keystore(Path(tmp), passphrase="bench")
        measured = measure(EmbeddedBackend(), keystore)
        signed = signed_operations(EmbeddedBackend(), keystore)
    table = Table(title="Gas per operation (ratio: to the ERC-721 transfer of the same run)")
    for column in ("operation", "gas", "ratio", "target", "met"):
        table.add_column(column, justify="left" if column == "operation" else "right")
    for row in measured:
        met = "" if row.met is None else ("yes" if row.met else "NO")
        if row.met is False and row.argued is not None:
            met = f"no, argued (≤ {row.argued:,})"
        target = f"≤ {row.target:,}" if row.target else ""
        table.add_row(row.operation, f"{row.gas:,}", f"{row.ratio:.2f}", target, met)
    console.print(table)
    table = Table(title="Signed operations: sent by the participant, and signed (EIP-712) then relayed")
    for column in ("operation", "direct", "signed, relayed", "overhead"):
        table.add_column(column, justify="left" if column == "operation" else "right")
    for pair in signed:
        table.add_row(pair.operation, f"{pair.direct:,}", f"{pair.signed:,}", f"{pair.overhead:+,}")
    console.print(table)
    steady = [pair for pair in signed if "first" not in pair.operation]
    costliest = max(steady, key=lambda pair: pair.overhead)
    console.print(
        f"largest signature overhead once a signer's nonce is in use: {costliest.operation} "
        f"{costliest.overhead:+,} gas (target ≤ {SIGNATURE_OVERHEAD_TARGET:,})"
    )


network = typer.Typer(help="A local proof-of-authority network of geth nodes (Clique) on loopback.")
app.add_typer(network, name="network")
NetworkDir = Annotated[Path, typer.Option("--dir", help="The network's folder: keys, genesis, node datadirs.")]


@network.command("up")
def network_up(
    dir: NetworkDir,
    nodes: Annotated[int, typer.Option(min=1, max=16, help="Signers (a new network only).")] = 4,
    period: Annotated[int, typer.Option(min=1, help="Seconds between blocks (a new network only).")] = 1,
) -> None:
    """Create the network in --dir if it holds none, start every node, wait until they peer and seal; print
    each node's URL and the `billchain serve` of a gateway on it (at gas price 0: the network's gas is free)."""
    import shlex

    from billchain_tools.clique import CliqueNetwork, NetworkError

    try:
        made = not (dir / "network.json").exists()
        net = CliqueNetwork.create(dir, nodes, period) if made else CliqueNetwork(dir)
        net.up()
    except NetworkError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    console.print(f"{'created and started' if made else 'started'}: {len(net.nodes)} signers, chain id {net.chain_id}")
    for spec in net.nodes:
        console.print(f"node {spec.index}  {spec.url}  signer {spec.signer}", soft_wrap=True)
    console.print(
        "a gateway on each node (node 1's deploys the platform: start it first; the others join it):", soft_wrap=True
    )
    for spec in net.nodes:
        command = shlex.join(net.serve_command(spec.index))
        console.print(f"  {command}", soft_wrap=True, markup=False, highlight=False)


@network.command("down")
def network_down(dir: NetworkDir) -> None:
    """Stop every node of the network (each writes its state; `up` starts them again)."""
    from billchain_tools.clique import CliqueNetwork, NetworkError

    try:
        CliqueNetwork(dir).down()
    except NetworkError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    console.print("stopped")


@network.command("status")
def network_status(dir: NetworkDir) -> None:
    """Each node: running, head, peers, the signers it knows."""
    from billchain_tools.clique import CliqueNetwork, NetworkError

    try:
        found = CliqueNetwork(dir).status()
    except NetworkError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    table = Table(title=f"Clique network in {dir}")
    for column in ("node", "url", "running", "head", "peers", "signers"):
        table.add_column(column)
    for s in found:
        signers = ", ".join(a[:10] for a in s.signers) if s.signers else ""
        table.add_row(str(s.index), s.url, "yes" if s.running else "no", str(s.head or ""), str(s.peers or ""), signers)
    console.print(table)
    raise typer.Exit(0 if all(s.running for s in found) else 3)


ceremony = typer.Typer(
    help="The multi-party trusted setup of the confidential platform's circuits (docs/PRIVACY.md §6)."
)
app.add_typer(ceremony, name="ceremony")


@ceremony.command("dev")
def ceremony_dev() -> None:
    """Build the circuits and run the dev chains' ceremony, each local member contributing, into the cache
    outside the clone (~/.cache/billchain/zk-dev-15/<circuits' hash>): idempotent."""
    from chain.zk.circuits import ensure_dev_keys

    keys = ensure_dev_keys()
    console.print(f"dev keys: {keys.root}")
    console.print(f"transcript: {keys.transcript}")


@ceremony.command("contribute")
def ceremony_contribute(
    current: Annotated[Path, typer.Argument(help="The file as the previous member left it (.ptau or .zkey).")],
    following: Annotated[Path, typer.Argument(help="Where this member's file goes, for the next member.")],
    name: Annotated[str, typer.Option("--name", help="Who contributes, as the transcript will name it.")],
    transcript: Annotated[
        Path | None, typer.Option("--transcript", help="A JSON list of contributions to append to.")
    ] = None,
) -> None:
    """One member's contribution, on its own machine: its entropy comes from the OS and never leaves it."""
    from chain.zk.ceremony import contribute

    made = contribute(current, following, name, transcript)
    console.print(f"{made.step}: {made.contributor} contributed at {made.at}")
    console.print(f"contribution hash: {made.contribution_hash}")


@ceremony.command("verify")
def ceremony_verify(
    out: Annotated[Path | None, typer.Argument(help="A ceremony's directory (the dev keys by default).")] = None,
) -> None:
    """Check a ceremony's phase-1 file and each circuit's key against its transcript and the circuits."""
    from chain.zk.ceremony import verify_ceremony
    from chain.zk.circuits import CIRCUITS, dev_keys

    root = out or dev_keys().root
    r1cs = {name: root / "build" / f"{name}.r1cs" for name in CIRCUITS}
    problems = verify_ceremony(root, r1cs, root.parent if out is None else None)
    for problem in problems:
        console.print(f"[red]{problem}[/red]")
    if problems:
        raise typer.Exit(1)
    console.print(f"[green]the ceremony in {root} verifies against its transcript[/green]")


@app.command("rpc-bench")
def rpc_bench(
    calls: Annotated[int, typer.Option(min=10, help="Calls of each kind, per transport.")] = 2000,
) -> None:
    """One JSON-RPC call's CPU in this process: web3.py over requests against the keep-alive transport."""
    from billchain_tools.rpc_bench import run_rpc_bench
    from chain.backends.anvil import AnvilBackend

    with tempfile.TemporaryDirectory() as tmp:
        node = AnvilBackend(Path(tmp) / "node")
        try:
            rows = run_rpc_bench(node.url, calls)
        finally:
            node.close()
    table = Table(title=f"One call to anvil, {calls:,} of each (CPU of this process; wall beside it)")
    for column in ("call", "requests: CPU / wall ms", "keep-alive: CPU / wall ms", "CPU ratio"):
        table.add_column(column, justify="left" if column == "call" else "right")
    for row in rows:
        table.add_row(
            row.call,
            f"{row.requests_cpu_ms:.3f} / {row.requests_wall_ms:.3f}",
            f"{row.keepalive_cpu_ms:.3f} / {row.keepalive_wall_ms:.3f}",
            f"{row.ratio:.2f} x",
        )
    console.print(table)


@app.command("zk-bench")
def zk_bench(
    chain: Annotated[str, typer.Option(help="embedded, or anvil (its precompile prices are production's).")] = "anvil",
    runs: Annotated[int, typer.Option(help="Proofs of each circuit; the medians are shown.")] = 3,
    throughput_clients: Annotated[
        list[int] | None,
        typer.Option(
            "--throughput-clients",
            min=1,
            max=256,
            help="anvil: instead, that many cash transfers sent at once on 1 s blocks, confidential (proven "
            "beforehand) and transparent; repeat for several levels.",
        ),
    ] = None,
) -> None:
    """Confidential cash's proving time and gas, against digital cash's transparent mint and transfer."""
    from billchain_tools.zk_bench import TRANSFER_PROVE_TARGET_S, VERIFY_GAS_TARGET, run_zk_bench
    from chain.backends.anvil import AnvilBackend
    from chain.backends.base import ChainBackend
    from chain.backends.embedded import EmbeddedBackend
    from chain.zk.circuits import ensure_dev_keys
    from chain.zk.prover import native_prover

    keys = ensure_dev_keys()
    if native_prover() is None:
        raise typer.BadParameter("the native prover is not built: run `make setup`", param_hint="zk-bench")
    if throughput_clients:
        if chain != "anvil":
            raise typer.BadParameter("the throughput levels run on anvil (a block a second)", param_hint="--chain")
        _zk_throughput(keys, sorted(set(throughput_clients)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        backend: ChainBackend = AnvilBackend(Path(tmp) / "node") if chain == "anvil" else EmbeddedBackend()
        try:
            result = run_zk_bench(backend, keys, runs)
        finally:
            backend.close()
    table = Table(
        title=f"Proving on this machine (median of {runs} or more): the native prover, and snarkjs alone on the "
        "same requests (the baseline)"
    )
    columns = ("circuit", "native wall", "native CPU", "snarkjs wall", "snarkjs CPU", "snarkjs CPU / native")
    for column in columns:
        table.add_column(column, justify="left" if column == "circuit" else "right")
    for row in result.proving:
        table.add_row(
            row.circuit,
            f"{row.wall_s:.2f} s",
            f"{row.cpu_s:.2f} s",
            f"{row.baseline_wall_s:.2f} s",
            f"{row.baseline_cpu_s:.2f} s",
            f"{row.speedup:.2f} ×",
        )
    console.print(table)
    move = next(r for r in result.proving if r.circuit == "range_transfer")
    console.print(
        f"a transfer with a split (range_transfer): {move.wall_s:.2f} s native, {move.baseline_wall_s:.2f} s "
        f"snarkjs (target ≤ {TRANSFER_PROVE_TARGET_S} s); CPU is all threads, so run under `taskset -c 0` for "
        "one core"
    )
    table = Table(title=f"Gas on {chain}: the story confidential, against the transparent contracts in the same run")
    for column in ("operation", "confidential", "transparent", "ratio"):
        table.add_column(column, justify="left" if column == "operation" else "right")
    for g in result.gas:
        table.add_row(g.operation, f"{g.gas:,}", f"{g.baseline_gas:,}", f"{g.ratio:.1f} ×")
    console.print(table)
    total = sum(g.gas for g in result.gas), sum(g.baseline_gas for g in result.gas)
    console.print(f"the story in all: {total[0]:,} gas against {total[1]:,} ({total[0] / total[1]:.1f} ×)")
    for circuit, used in result.verify_gas.items():
        met = "met" if used <= VERIFY_GAS_TARGET else "MISSED"
        console.print(f"verifying one {circuit} proof: {used:,} gas (target ≤ {VERIFY_GAS_TARGET:,}: {met})")


def _zk_throughput(keys: Keys, levels: list[int]) -> None:
    from billchain_tools.zk_bench import run_zk_throughput
    from chain.backends.anvil import AnvilBackend

    with tempfile.TemporaryDirectory() as tmp:
        backend = AnvilBackend(Path(tmp) / "node")
        try:
            rows = run_zk_throughput(backend, keys, levels)
        finally:
            backend.close()
    table = Table(title="Cash transfers sent at once, a block every second (anvil): confidential against transparent")
    for column in ("clients", "confidential ops/s", "transparent ops/s", "ratio", "proof CPU", "proving bound"):
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(
            str(row.clients),
            f"{row.confidential_ops_per_s:.1f}",
            f"{row.transparent_ops_per_s:.1f}",
            f"{row.ratio:.3f}",
            f"{row.prove_cpu_s:.2f} s",
            f"{row.proving_bound:.2f} ops/s",
        )
    console.print(table)
    console.print("proving bound: the transfers a second this machine's cores prove, when each client proves its own")
