"""The `billchain` command: the gateway's own commands, and the tools' found on demand.

`serve`, `reindex`, `repair-journal` and `rotate-sealing-key` are what a bank runs; they are defined here.
Every other command (replay, demo, bench, faults, ...) belongs to the tools package
(billchain_tools), which registers itself under the `billchain.commands` entry
point: it is loaded only to run or list one of its commands, so the product never
imports the tools (the layer contract in pyproject.toml).
"""

from __future__ import annotations

import json
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

if TYPE_CHECKING:
    from gateway.core.settings import Settings
    from gateway.ledger.runtime import Runtime

TOOLS_GROUP = "billchain.commands"
#: how long an idle keep-alive connection stays open, in seconds: longer than the idle expiry of common HTTP clients
#: (httpx's 5 s), so that a client never sends on a connection the gateway is closing (uvicorn's default, 5 s, met
#: httpx's: a request sent as the server closed the connection failed with a read error); nginx's default
KEEP_ALIVE_S = 75


class WithTools(TyperGroup):
    """The gateway's commands, then those of every package registered under `billchain.commands`."""

    def _tools(self) -> list[TyperGroup]:
        return [typer.main.get_group(point.load()) for point in entry_points(group=TOOLS_GROUP)]

    def list_commands(self, ctx: Any) -> list[str]:
        own = super().list_commands(ctx)
        return own + sorted(name for group in self._tools() for name in group.list_commands(ctx) if name not in own)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        own = super().get_command(ctx, cmd_name)
        if own is not None:
            return own
        for group in self._tools():
            found = group.get_command(ctx, cmd_name)
            if found is not None:
                return found
        return None


app = typer.Typer(
    cls=WithTools,
    help="billchain: digital bills and supply-chain finance on a permissioned chain.",
    no_args_is_help=True,
)
console = Console()

DataDir = Annotated[Path, typer.Option("--data-dir", help="Where keys, address books and chain state live.")]


@app.command()
def serve(
    chain: Annotated[str, typer.Option(help="embedded, anvil, or a JSON-RPC URL.")] = "embedded",
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    data_dir: DataDir = Path(".billchain"),
    block_time: Annotated[float | None, typer.Option(min=0.001, help="anvil: mine a block every N seconds.")] = None,
    gas_price: Annotated[
        int | None, typer.Option(min=0, help="Wei per gas for every transaction (0: a free-gas network).")
    ] = None,
    eip1559: Annotated[bool, typer.Option("--eip1559", help="A URL chain: type-2 transactions, not legacy.")] = False,
    contracts: Annotated[
        Path | None,
        typer.Option(
            help="Join the platform another gateway deployed on this chain: its address book "
            "(<data dir>/chains/<chain id>.json) or its /v1/health answer in a file. Never deploys."
        ),
    ] = None,
    bundle_writes: Annotated[
        bool,
        typer.Option(
            "--bundle-writes", help="Hosted callers' writes ready at once go to the chain in one bundle transaction."
        ),
    ] = False,
    confidential: Annotated[
        bool,
        typer.Option(
            "--confidential",
            help="Deploy (or attach to) the confidential ledger and serve cash on it: amounts and parties off the "
            "chain (docs/PRIVACY.md; what it serves so far: its §8).",
        ),
    ] = False,
) -> None:
    """Serve the HTTP API of API.md on the chosen chain."""
    import uvicorn

    from gateway.compose import build_app
    from gateway.core.log_context import configure as configure_logging
    from gateway.core.settings import Settings

    settings = Settings(chain=chain, host=host, port=port, data_dir=data_dir, block_time=block_time)
    if gas_price is not None:  # else BILLCHAIN_GAS_PRICE, else the node's
        settings.gas_price = gas_price
    settings.eip1559 = settings.eip1559 or eip1559  # the flag, or BILLCHAIN_EIP1559
    settings.contracts = contracts or settings.contracts  # the flag, or BILLCHAIN_CONTRACTS
    settings.bundle_writes = settings.bundle_writes or bundle_writes  # the flag, or BILLCHAIN_BUNDLE_WRITES
    settings.confidential = settings.confidential or confidential  # the flag, or BILLCHAIN_CONFIDENTIAL
    runtime = _open_or_exit(settings, "billchain serve")
    try:
        console.print(
            f"billchain gateway on {settings.chain} (chain id {runtime.backend.chain_id}), data in {data_dir}/"
        )
        for name, address in runtime.system.addresses.items():
            console.print(f"  {name:20} {address}")
        if runtime.operator_token_path is not None:
            console.print(f"  operator token: {runtime.operator_token_path} (mode 0600)")
        else:
            console.print("  operator token: from BILLCHAIN_OPERATOR_TOKEN")
        # X-Forwarded-For is the app's to believe, from BILLCHAIN_TRUSTED_PROXIES only (gateway/http/app.py)
        app = build_app(runtime)
        server = uvicorn.Server(
            uvicorn.Config(
                app, host=host, port=port, log_level="info", proxy_headers=False, timeout_keep_alive=KEEP_ALIVE_S
            )
        )
        configure_logging()  # after uvicorn's own configuration: every line with its request's context
        server.run()
    finally:
        runtime.close()


def _open_or_exit(settings: Settings, command: str) -> Runtime:
    """The runtime, or exit 2 with one line saying why not (a held data dir, a broken chain file, an operator
    account that cannot pay for the deployment's gas)."""
    from rich.markup import escape

    from chain.backends.anvil import AnvilStateUnreadable
    from chain.backends.embedded import JournalBroken
    from chain.deploy import PlatformNotFound
    from chain.errors import GasUnpaid
    from gateway.compose import open_runtime
    from gateway.core.datadir import DataDirBusy
    from gateway.core.security import WeakOperatorToken
    from gateway.ledger.confidential import PlatformModeRefused

    try:
        return open_runtime(settings, command)
    except (
        PlatformModeRefused,
        DataDirBusy,
        JournalBroken,
        AnvilStateUnreadable,
        WeakOperatorToken,
        PlatformNotFound,
        GasUnpaid,
    ) as refused:
        console.print(f"[red]{command}: {escape(str(refused))}[/red]", soft_wrap=True)  # a node's words: not markup
        raise typer.Exit(2) from None


@app.command()
def reindex(
    chain: Annotated[str, typer.Option(help="embedded, anvil, or a JSON-RPC URL.")] = "embedded",
    data_dir: DataDir = Path(".billchain"),
    gas_price: Annotated[int | None, typer.Option(min=0, help="As for serve.")] = None,
) -> None:
    """Rebuild the index from the chain and close the chain incidents a person has looked at (the
    gateway stopped: one process per data dir)."""
    from gateway.core.settings import Settings

    settings = Settings(chain=chain, data_dir=data_dir, gas_price=gas_price)
    runtime = _open_or_exit(settings, "billchain reindex")
    try:
        last = runtime.indexer.rebuild()
        closed = runtime.guard.resolve()
    finally:
        runtime.close()
    console.print(f"index rebuilt from the chain up to block {last}")
    for incident in closed:
        lost = json.loads(incident.lost)
        when = f"{incident.detected_at:%Y-%m-%d %H:%M} UTC"
        console.print(f"closed incident {incident.id} ({when}): {incident.reason}", soft_wrap=True)
        for tx_hash in lost:
            console.print(f"  not on the chain: {tx_hash}", soft_wrap=True)


@app.command("repair-journal")
def repair_journal(data_dir: DataDir = Path(".billchain")) -> None:
    """Cut the embedded chain's journal before the first line that cannot be replayed (the rest is
    kept aside), so that the gateway starts again on the chain up to there."""
    from chain.backends.embedded import check_journal
    from chain.backends.embedded import repair_journal as repair
    from gateway.core.datadir import DataDirBusy, DataDirLock

    journal = data_dir / "embedded-chain.jsonl"
    try:
        lock = DataDirLock(data_dir).acquire("billchain repair-journal")
    except DataDirBusy as busy:
        console.print(f"[red]{busy}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    try:
        if not journal.exists():
            console.print(f"no journal at {journal}")
            raise typer.Exit(2)
        broken = check_journal(journal)
        if broken is None:
            console.print(f"{journal} replays whole: nothing to repair")
            return
        aside = repair(journal, broken.line)
    finally:
        lock.release()
    kept = f"kept lines 1-{broken.line - 1} (the chain up to block {broken.block - 1})"
    console.print(f"{journal}: {kept}", soft_wrap=True)
    console.print(f"the rest is in {aside}; start the gateway, then see /v1/health", soft_wrap=True)


@app.command("rotate-sealing-key")
def rotate_sealing_key(
    data_dir: DataDir = Path(".billchain"),
    keep_old_keys: Annotated[
        bool, typer.Option("--keep-old-keys", help="Seal everything again, but keep the old keys' files.")
    ] = False,
) -> None:
    """A new key for documents and recorded answers: everything kept is sealed again under it, then the
    old keys are deleted (the gateway stopped: one process per data dir). The database is the one
    `serve` uses (BILLCHAIN_DATABASE_URL, else the data dir's)."""
    from gateway.core.datadir import DataDirBusy, DataDirLock
    from gateway.core.db import Database
    from gateway.core.security import DocumentCipher
    from gateway.core.settings import Settings
    from gateway.ledger.resealing import reseal

    settings = Settings(data_dir=data_dir)
    try:
        lock = DataDirLock(data_dir).acquire("billchain rotate-sealing-key")
    except DataDirBusy as busy:
        console.print(f"[red]{busy}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    db = Database(settings.database)
    try:
        cipher = DocumentCipher(data_dir)
        kid = cipher.rotate()
        done = reseal(db, cipher)
        retired = [] if keep_old_keys or done.unopened else cipher.retire_others()
    finally:
        db.engine.dispose()
        lock.release()
    console.print(f"sealing key {kid} is current: {done.documents} documents, {done.answers} answers sealed again")
    for table, row in done.unopened:
        console.print(f"[red]does not open with any key here: {table} {row} (left as it is)[/red]", soft_wrap=True)
    if done.unopened:
        console.print("[red]old keys kept: something sealed under one of them did not open[/red]")
        raise typer.Exit(1)
    console.print(f"old keys deleted: {', '.join(retired) or 'none'}" if not keep_old_keys else "old keys kept")


if __name__ == "__main__":
    app()
