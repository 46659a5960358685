"""scripts/examples/self_custody.py against a fresh `billchain serve`: the headline story with the bank and
every enterprise in self-custody exits 0, and the gateway's data dir holds none of their keys."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from eth_account import Account

from billchain_tools.harness import Gateway

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_self_custody_story_runs_and_leaves_no_key_with_the_gateway(tmp_path: Path) -> None:
    keys = tmp_path / "participant-keys"
    env = {**os.environ, "BILLCHAIN_SIGNER_PASSPHRASE": "test passphrase"}
    with Gateway(tmp_path / "data", "embedded", None) as gateway:
        run = subprocess.run(
            [
                sys.executable,
                str(ROOT / "scripts" / "examples" / "self_custody.py"),
                gateway.url,
                gateway.token,
                "--keys",
                str(keys),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "the bill is SETTLED" in run.stdout and " self " in run.stdout
    key_files = sorted(keys.glob("*.json"))
    assert len(key_files) == 4  # the bank, the core enterprise, two suppliers
    blobs = [p.read_bytes().lower() for p in (tmp_path / "data").rglob("*") if p.is_file()]
    assert blobs
    for key_file in key_files:
        encrypted = json.loads(key_file.read_text())
        secret = bytes(Account.decrypt(encrypted, "test passphrase"))
        assert encrypted["address"].lower().encode() in run.stdout.lower().encode()
        for blob in blobs:
            assert secret.hex().encode() not in blob and secret not in blob
            assert encrypted["crypto"]["ciphertext"].encode() not in blob  # nor its keystore file
