"""Write slither.db.json: every finding slither reports now, each with the reason it is accepted.

A finding's id changes whenever the code around it moves, so after a change to the contracts this is
run again (`python scripts/triage_slither.py`, in the lint virtualenv's reach) and the diff read: the
reasons are written once per kind of finding below, and a kind without one fails here, to be looked at
and either fixed in the contracts or given its reason.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLITHER = ROOT / ".venv-lint" / "bin" / "slither"
ARGS = ["--compile-force-framework", "hardhat", "--hardhat-ignore-compile", "--npx-disable"]
ARGS += ["--filter-paths", "node_modules"]

REASONS = {
    "calls-loop": (
        "The loops run over one bill's ranges or one range's endorsement chain, and every call goes to the "
        "platform's own ParticipantRegistry or DigitalCash (fixed in the constructor, not user-supplied): no "
        "outside party can make a call in the loop revert or run long. Gas per range is measured in BENCHMARKS.md. "
        "OperationRelay.executeBatch loops over a batch's signed operations (at most MAX_BATCH = 256), calling "
        "the same three platform contracts for each, as execute does for one: any revert reverts the batch. "
        "PoseidonTree (the confidential ledger's note tree) calls its Poseidon hasher once a level (20 levels, "
        "fixed), a contract its constructor was given and that holds no state: circomlibjs's generated code."
    ),
    "reentrancy-events": (
        "The calls before the events go to the platform's own DigitalCash (settle) and ParticipantRegistry, "
        "which make no calls back; state is written before the calls (checks-effects-interactions) and only "
        "the event order differs. DigitalCash.settle is callable by one address only, fixed at construction: "
        "the BillRegistry, which creates its DigitalCash in its own constructor (no role, no admin; "
        "tests/security/test_operator_powers.py attacks it)."
    ),
    "timestamp": (
        "Bill dates are calendar days (DOMAIN.md: maturity, presentment, three-day recourse rule): "
        "(block.timestamp + 8 h) / 86400, the Asia/Shanghai day, is the intended clock. A block's timestamp is "
        "bounded by its parent's and by the validators' clocks (a QBFT node refuses a block from its future), "
        "seconds at most, far below a day. ConfidentialBills compares a proof's public day with today's, the "
        "same clock."
    ),
    "cyclomatic-complexity": (
        "issue (a bill's kind, counterparties, dates, amount, document) and _requestMove (every transfer "
        "request: endorse, discount, pledge) check DOMAIN.md's rules in the order API.md prescribes; splitting "
        "them would scatter one rule set over helpers. Covered by the stateful test against the reference model."
    ),
    "assembly": (
        "OperationRelay has two memory-safe blocks: one calls the operation's contract with the signer appended "
        "(ERC-2771) straight from calldata and hands a revert's data back unchanged (so that the gateway decodes "
        "the target's own error; no operation's answer is read, so none is copied), one hashes the common "
        "operation's EIP-712 struct straight from calldata (no copies: the signature's gas, BENCHMARKS.md). "
        "tests/contracts/test_relay.py checks every operation's digest against eth-account's. Groth16Verifier "
        "calls the EIP-196/197 precompiles (0x06-0x08), which no Solidity call reaches, copies a verification "
        "key from its data contract with EXTCODECOPY into memory it claims, and runs its per-signal loop and the "
        "pairing's layout in assembly so that a public signal costs about its precompiles' price (every proof "
        "under 400,000 gas, BENCHMARKS.md); tests/zk verify real proofs and refuse forged ones and changed "
        "signals."
    ),
    "low-level-calls": (
        "OperationRelay.execute calls the operation's contract with the signer's address appended (ERC-2771), "
        "which no typed call can express. The target is one of the three platform contracts fixed in the "
        "relay's constructor, chosen by the selector's table, never by the caller; failure is checked and "
        "its revert data returned (executeBatch: wrapped in RelayBatchItemFailed with the operation's index)."
    ),
    "unused-return": (
        "ECDSA.tryRecover's third value is the error's argument, for messages only; the error kind and the "
        "recovered address are both checked."
    ),
    "uninitialized-state": (
        "BillRegistryBase holds the bill registry's storage for both halves (docs/ARCHITECTURE.md): the "
        "variables named (_initiators, _billGuarantors, ...) are written by BillRegistryExtension running "
        "delegatecalled on the registry's storage (seize, guarantee), which slither, reading each contract "
        "alone, does not see. chain/compile.py checks the two halves' storage layouts are equal."
    ),
    "unused-state": (
        "The variable is the extension's, in the storage both halves share (BillRegistryBase): the lifecycle half "
        "does not read it, the delegatecalled extension does (confirmSeizure reads _seizureOrders)."
    ),
    "constable-states": (
        "_billCount is the shared storage's bill counter: BillRegistry.issue increments it; the extension, "
        "delegatecalled on the same storage, reads it. Slither sees the base contract alone."
    ),
    "incorrect-equality": (
        "recoveryAt == 0 is the sentinel of 'no approved recovery' (a stored zero), not a comparison with a "
        "value an attacker steers; the time comparison beside it is an inequality."
    ),
    "missing-zero-check": (
        "The relay address handed to the extension is the one the registry's own constructor got, checked by "
        "the deployment (chain/deploy.py deploys the relay first and checks every address after)."
    ),
    "reentrancy-benign": (
        "dishonorAll's external call is DigitalCash.settle inside _answerAll, on its pay branch only (a "
        "dishonour pays nothing); DigitalCash is the platform's own, created by the registry, and calls nothing "
        "back. The acceptor's overdue record is written after it in the same transaction."
    ),
    "dead-code": (
        "_msgData overrides that Solidity requires where Context and ERC2771Context both define it (the "
        "contracts inherit both); nothing calls it."
    ),
}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:  # an empty triage database: every finding is reported
        blank = ["--triage-database", str(Path(tmp) / "none.json")]
        run = subprocess.run(
            [str(SLITHER), ".", *ARGS, *blank, "--json", "-"], cwd=ROOT, capture_output=True, text=True
        )
    findings = json.loads(run.stdout)["results"].get("detectors", [])
    unknown = sorted({f["check"] for f in findings} - set(REASONS))
    for check in unknown:
        print(f"no reason for {check}: fix it in the contracts, or add its reason here")
    db = [
        {
            "id": f["id"],
            "check": f["check"],
            "impact": f["impact"],
            "description": f["description"],
            "triage": REASONS[f["check"]],
        }
        for f in sorted(findings, key=lambda f: (f["check"], f["description"]))
        if f["check"] in REASONS
    ]
    (ROOT / "slither.db.json").write_text(json.dumps(db, indent=2) + "\n")
    print(f"{len(db)} findings triaged, {len(unknown)} kinds without a reason")
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main())
