"""Custodial keys are stored encrypted, readable only by their owner."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from chain.keys import PASSPHRASE_ENV, Keystore


def test_keys_are_encrypted_and_private(tmp_path: Path) -> None:
    keystore = Keystore(tmp_path)
    account = keystore.create("t1")
    path = tmp_path / "keys" / "t1.json"
    text = path.read_text()
    assert account.key.hex().removeprefix("0x") not in text
    assert json.loads(text)["crypto"]["kdf"] == "scrypt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    secret = tmp_path / "keystore.secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert Keystore(tmp_path).load("t1").address == account.address


def test_passphrase_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, "correct horse")
    account = Keystore(tmp_path).create("bank")
    assert not (tmp_path / "keystore.secret").exists()
    assert Keystore(tmp_path).load("bank").address == account.address
    monkeypatch.setenv(PASSPHRASE_ENV, "wrong")
    with pytest.raises(ValueError):
        Keystore(tmp_path).load("bank")


def test_a_key_is_never_overwritten(tmp_path: Path) -> None:
    keystore = Keystore(tmp_path, passphrase="p")
    keystore.create("core")
    with pytest.raises(FileExistsError):
        keystore.create("core")
    with pytest.raises(ValueError):
        keystore.create("../escape")
