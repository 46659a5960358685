"""`billchain key`: a signer makes a key file, reads its address, and signs a prepared operation offline."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from eth_account import Account
from eth_account.messages import encode_typed_data
from typer.testing import CliRunner

from chain.relay import DOMAIN_TYPE
from gateway.cli import app

runner = CliRunner()
ENV = {"BILLCHAIN_SIGNER_PASSPHRASE": "correct horse battery staple", "COLUMNS": "200"}


def prepared_for(address: str) -> dict[str, object]:
    typed = {
        "types": {
            "EIP712Domain": DOMAIN_TYPE,
            "Accept": [
                {"name": "billId", "type": "uint256"},
                {"name": "signer", "type": "address"},
                {"name": "nonce", "type": "uint256"},
                {"name": "deadline", "type": "uint256"},
            ],
        },
        "primaryType": "Accept",
        "domain": {"name": "billchain", "version": "1", "chainId": 7, "verifyingContract": "0x" + "22" * 20},
        "message": {"billId": 3, "signer": address, "nonce": 0, "deadline": 2_000_000_000},
    }
    return {"summary": "bank signs Accept: bill id 3.", "typed_data": typed}


def test_create_show_and_sign_offline(tmp_path: Path) -> None:
    key_file = tmp_path / "bank.json"
    created = runner.invoke(app, ["key", "create", str(key_file)], env=ENV)
    assert created.exit_code == 0, created.output
    address = created.output.strip()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert runner.invoke(app, ["key", "address", str(key_file)], env=ENV).output.strip() == address
    assert runner.invoke(app, ["key", "create", str(key_file)], env=ENV).exit_code == 2  # never overwritten

    prepared = tmp_path / "prepared.json"
    prepared.write_text(json.dumps(prepared_for(address)))
    signed = runner.invoke(app, ["key", "sign", str(key_file), str(prepared)], env=ENV)
    assert signed.exit_code == 0, signed.output
    signature = signed.output.strip().splitlines()[-1]
    typed = prepared_for(address)["typed_data"]
    recovered = Account.recover_message(encode_typed_data(full_message=typed), signature=bytes.fromhex(signature[2:]))
    assert recovered == address

    wrong = {**ENV, "BILLCHAIN_SIGNER_PASSPHRASE": "not the passphrase"}
    refused = runner.invoke(app, ["key", "sign", str(key_file), str(prepared)], env=wrong)
    assert refused.exit_code == 2 and "does not open" in refused.output
    prepared.write_text(json.dumps(prepared_for("0x" + "33" * 20)))  # prepared for someone else
    refused = runner.invoke(app, ["key", "sign", str(key_file), str(prepared)], env=ENV)
    assert refused.exit_code == 2 and "not for this key" in refused.output
