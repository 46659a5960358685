"""The headline story with the bank and every enterprise in self-custody (docs/SIGNING.md).

    python scripts/examples/self_custody.py URL OPERATOR_TOKEN [--keys DIR]

The operator admits a regulator (its key hosted by the gateway) and four participants by address only:
a bank, a core enterprise and two suppliers, whose keys are made here (in DIR as Web3 Secret Storage
files, passphrase BILLCHAIN_SIGNER_PASSPHRASE, when --keys is given) and never sent anywhere. Each of
their writes is prepared by the gateway, checked and signed here, and relayed. The core enterprise
draws a bill on the bank to supplier 1, who passes part of it to supplier 2, who discounts it with the
bank; at maturity (a development chain is moved forward) the bank pays. Prints who holds what and who
was paid what; exits 0 when every step answered as expected.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, timedelta
from pathlib import Path

from eth_account import Account

from billchain_client import BillchainClient, Refused, local_signer

TENOR_DAYS = 30


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("operator_token")
    parser.add_argument("--keys", type=Path, help="write the participants' key files here (encrypted)")
    args = parser.parse_args()
    operator = BillchainClient(args.url, args.operator_token)
    suffix = os.urandom(3).hex()

    def admit(role: str, name: str, self_custody: bool) -> tuple[str, BillchainClient]:
        body = {"id": f"{name}-{suffix}", "name": name, "role": role}
        account = Account.create() if self_custody else None
        if account is not None:
            body["address"] = account.address
            if args.keys is not None:
                args.keys.mkdir(parents=True, exist_ok=True)
                passphrase = os.environ.get("BILLCHAIN_SIGNER_PASSPHRASE", "example only")
                (args.keys / f"{body['id']}.json").write_text(json.dumps(Account.encrypt(account.key, passphrase)))
        answer = operator.post("/v1/participants", body)
        signer = local_signer(account) if account is not None else None
        print(f"admitted {answer['id']:24} {role:10} {answer['custody']:6} {answer['address']}")
        return answer["id"], BillchainClient(args.url, answer["api_token"], signer)

    _, regulator = admit("REGULATOR", "regulator", self_custody=False)
    bank_id, bank = admit("BANK", "bank", self_custody=True)
    core_id, core = admit("ENTERPRISE", "core", self_custody=True)
    s1_id, s1 = admit("ENTERPRISE", "supplier1", self_custody=True)
    s2_id, s2 = admit("ENTERPRISE", "supplier2", self_custody=True)

    regulator.post(f"/v1/participants/{bank_id}/mint-limit", {"limit": "10000000.00"})
    bank.mint(bank_id, "2000000.00")
    today = date.fromisoformat(operator.get("/v1/health")["chain"]["date"])
    maturity = (today + timedelta(days=TENOR_DAYS)).isoformat()
    bill = core.issue(
        kind="BANK_ACCEPTANCE", acceptor=bank_id, payee=s1_id, amount="1000000.00", maturity_date=maturity
    )
    bill_id = bill["bill"]["id"]
    bank.bill_action(bill_id, "accept")
    s1.bill_action(bill_id, "receive")
    endorsed = s1.bill_action(bill_id, "endorse", to=s2_id, amount="600000.00")
    s2.transfer_action(endorsed["transfer"]["id"], "sign")
    start = endorsed["transfer"]["range"]["start"]
    discount = s2.bill_action(bill_id, "discount", bank=bank_id, annual_rate="0.035", range_start=start)
    bank.transfer_action(discount["transfer"]["id"], "sign")
    print(
        f"bill {bill_id}: {s1_id} passed 600,000.00 to {s2_id}, who discounted it with {bank_id} for "
        f"{discount['transfer']['price']}"
    )

    try:
        operator.post("/v1/admin/chain/advance", {"days": TENOR_DAYS})
    except Refused as refused:  # not a development chain: the story stops before maturity
        print(f"the chain cannot be moved forward ({refused.code}): stopping before maturity")
        return report(operator, bill_id, [bank_id, core_id, s1_id, s2_id])
    s1.bill_action(bill_id, "present")
    bank.bill_action(bill_id, "present")
    paid = bank.bill_action(bill_id, "pay")
    print(f"at maturity {bank_id} paid; the bill is {paid['bill']['status']}")
    if paid["bill"]["status"] != "SETTLED":
        return 1
    return report(operator, bill_id, [bank_id, core_id, s1_id, s2_id])


def report(operator: BillchainClient, bill_id: int, ids: list[str]) -> int:
    bill = operator.bill(bill_id)
    for r in bill["ranges"]:
        print(f"  fen {r['start']:>9}-{r['end']:<9} held by {r['holder']:24} {r['state']}")
    for participant in ids:
        print(f"  {participant:24} cash {operator.balance(participant):>14}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
