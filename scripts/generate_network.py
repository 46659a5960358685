"""Generate a Besu QBFT network for docker-compose.yml (billchain_tools/network.py; docs/DEPLOY.md).

    .venv/bin/python scripts/generate_network.py --out network
    .venv/bin/python scripts/generate_network.py --out network --participants-from gateway-data/

Run it again with --participants-from to rewrite the allowlists; validator keys are kept.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from billchain_tools.network import BLOCK_PERIOD_S, CHAIN_ID, generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("network"), help="the folder compose mounts")
    parser.add_argument("--validators", type=int, default=4, help="3f+1 tolerates f faulty (default 4)")
    parser.add_argument("--chain-id", type=int, default=CHAIN_ID)
    parser.add_argument("--block-period", type=int, default=BLOCK_PERIOD_S, help="seconds")
    parser.add_argument("--participants-from", type=Path, help="a gateway data dir: its accounts are allowed")
    args = parser.parse_args()
    if min(args.validators, args.block_period, args.chain_id) < 1:
        parser.error("--validators, --block-period and --chain-id are at least 1")
    if args.participants_from and not (args.participants_from / "keys").is_dir():
        parser.error(f"--participants-from: {args.participants_from} holds no keys/ (a gateway data dir does)")
    network = generate(
        args.out,
        validators=args.validators,
        chain_id=args.chain_id,
        block_period=args.block_period,
        participants_from=args.participants_from,
    )
    print(f"chain id {network.chain_id}, {len(network.validators)} validators, operator {network.operator}")
    for validator in network.validators:
        print(f"  {validator.name}  {validator.address}  {validator.ip}")
    print(f"  {network.gateway_node.name}  (not a validator: the gateway's node)  {network.gateway_node.ip}")
    print(f"accounts allowed: {len(network.accounts)}; written to {args.out}/")


if __name__ == "__main__":
    main()
