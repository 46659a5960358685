"""`make demo`: the headline scenario replayed, then told: who holds what, who was paid what."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from billchain_tools.replay import LIBRARY
from billchain_tools.replay.engine import Replayer
from billchain_tools.replay.report import table
from billchain_tools.replay.scenario import load
from billchain_tools.replay.targets import EmbeddedTarget

HEADLINE = LIBRARY / "01-three-tier-supply-chain.yaml"


def demo(console: Console, path: Path = HEADLINE) -> int:
    scenario = load(path)
    target = EmbeddedTarget()
    try:
        replayer = Replayer(scenario, path, target)
        result = replayer.run()
        console.print(f"[bold]{scenario.name}[/bold]\n{(scenario.description or '').strip()}\n")
        console.print(table(result))
        alias = {pid: a for a, pid in replayer.ids.items()}
        for name, bill_id in replayer.bills.items():
            bill = replayer.bill(bill_id)
            holds = Table(
                title=f"Bill {name} ({bill['bill_no']}): {bill['status']}, {bill['amount']} yuan", title_justify="left"
            )
            for column in ("range", "amount", "holder", "state"):
                holds.add_column(column, justify="right" if column == "amount" else "left")
            for r in bill["ranges"]:
                holds.add_row(r["label"], r["amount"], alias.get(r["holder"], r["holder"]), r["state"])
            console.print(holds)
            history = replayer.ok(replayer.call("GET", f"/v1/bills/{bill_id}/history?limit=500"), "history")["items"]
            for h in history:
                if h["event"] == "PAID":
                    payer, payee = alias.get(h["actor"], h["actor"]), alias.get(h["counterparty"], h["counterparty"])
                    console.print(f"  paid: {payer} → {payee}  {h['amount']}")
            transfers = replayer.ok(replayer.call("GET", f"/v1/transfers?bill_id={bill_id}&limit=500"), "transfers")[
                "items"
            ]
            for t in transfers:
                if t["price"] and t["status"] == "SIGNED":
                    payer, payee = alias.get(t["to"], t["to"]), alias.get(t["from"], t["from"])
                    console.print(f"  {t['kind'].lower()}: {payer} → {payee}  {t['price']} for {t['range']['amount']}")
        balances = Table(title="Cash at the end", title_justify="left")
        balances.add_column("participant")
        balances.add_column("balance", justify="right")
        for a, pid in replayer.ids.items():
            response = replayer.call("GET", f"/v1/cash/balances/{pid}")
            if response.status_code == 200:
                balances.add_row(a, response.json()["balance"])
        console.print(balances)
        console.print(f"{int(result.passed)} passed, {int(not result.passed)} failed", markup=False, highlight=False)
        return 0 if result.passed else 1
    finally:
        target.close()
