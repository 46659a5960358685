"""`billchain key ...`: what a self-custody signer needs, offline: a key file, its address, a signature."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from eth_account import Account
from eth_utils import to_checksum_address

from billchain_client.client import key_file_signer

PASSPHRASE_ENV = "BILLCHAIN_SIGNER_PASSPHRASE"
app = typer.Typer(help="Signer keys for self-custody participants (docs/SIGNING.md).")
key = typer.Typer(help="Create a key file, show its address, sign a prepared operation offline.")
app.add_typer(key, name="key")

KeyFile = Annotated[Path, typer.Argument(help="A Web3 Secret Storage key file")]


def _passphrase(confirm: bool = False) -> str:
    """From BILLCHAIN_SIGNER_PASSPHRASE, else asked (never an argument: it would sit in the shell history)."""
    found = os.environ.get(PASSPHRASE_ENV)
    if found:
        return found
    return str(typer.prompt("Passphrase", hide_input=True, confirmation_prompt=confirm))


@key.command("create")
def create(path: KeyFile) -> None:
    """A new key, encrypted (scrypt) in a file only its owner can read; prints its address."""
    if path.exists():
        typer.echo(f"{path} exists: not overwritten", err=True)
        raise typer.Exit(2)
    account = Account.create()
    encrypted = Account.encrypt(account.key, _passphrase(confirm=True), kdf="scrypt")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(encrypted, f)
    typer.echo(account.address)


@key.command("address")
def address(path: KeyFile) -> None:
    """The address of a key file (no passphrase needed: the file says it)."""
    typer.echo(to_checksum_address("0x" + json.loads(path.read_text(encoding="utf-8"))["address"]))


@key.command("sign")
def sign(
    path: KeyFile,
    prepared: Annotated[Path, typer.Argument(help="The answer of <write>/prepare, as JSON ('-': stdin)")],
) -> None:
    """Sign a prepared operation offline; prints its summary on stderr, the signature on stdout."""
    text = sys.stdin.read() if str(prepared) == "-" else prepared.read_text(encoding="utf-8")
    answer = json.loads(text)
    try:
        signer = key_file_signer(path, _passphrase())
    except ValueError:  # eth-account: the MAC does not match
        typer.echo(f"the passphrase does not open {path}", err=True)
        raise typer.Exit(2) from None
    typed = answer["typed_data"]
    if typed["message"]["signer"].lower() != signer.address.lower():
        typer.echo(f"prepared for {typed['message']['signer']}, not for this key ({signer.address})", err=True)
        raise typer.Exit(2)
    typer.echo(answer.get("summary", typed["primaryType"]), err=True)
    typer.echo("0x" + signer.sign(typed).hex())
