"""Custodial keys: one per participant, stored encrypted (Web3 Secret Storage, scrypt).

The passphrase comes from BILLCHAIN_KEYSTORE_PASSPHRASE, else from a generated secret
file (mode 0600) in the data dir. Decrypted keys live only in this process's memory.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

PASSPHRASE_ENV = "BILLCHAIN_KEYSTORE_PASSPHRASE"
#: scrypt's cost for a passphrase a person chose (OWASP's minimum for scrypt, 2**17), and for one the
#: gateway generated (256 random bits: no guessing to slow down, so start-up stays quick)
SCRYPT_N_CHOSEN = 2**17
SCRYPT_N_GENERATED = 2**15
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def write_private(path: Path, data: str) -> None:
    """Write a file only its owner can read, created with that mode (no window of 0644)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(data)
    os.chmod(path, 0o600)


class Keystore:
    def __init__(self, data_dir: Path, passphrase: str | None = None) -> None:
        self.dir = data_dir / "keys"
        chosen = passphrase or os.environ.get(PASSPHRASE_ENV)
        self._passphrase = chosen or self._secret_file(data_dir)
        self.scrypt_n = SCRYPT_N_CHOSEN if chosen else SCRYPT_N_GENERATED
        self._cache: dict[str, LocalAccount] = {}

    @staticmethod
    def _secret_file(data_dir: Path) -> str:
        path = data_dir / "keystore.secret"
        if not path.exists():
            write_private(path, secrets.token_urlsafe(32))
        return path.read_text(encoding="utf-8").strip()

    def _path(self, name: str) -> Path:
        if not _NAME.match(name):
            raise ValueError(f"bad key name {name!r}")
        return self.dir / f"{name}.json"

    def exists(self, name: str) -> bool:
        return self._path(name).exists()

    def create(self, name: str) -> LocalAccount:
        """Generate and store a new key; refuses to overwrite an existing one."""
        path = self._path(name)
        if path.exists():
            raise FileExistsError(f"key {name!r} exists")
        account: LocalAccount = Account.create()
        encrypted = Account.encrypt(account.key, self._passphrase, kdf="scrypt", iterations=self.scrypt_n)
        write_private(path, json.dumps(encrypted))
        self._cache[name] = account
        return account

    def load(self, name: str) -> LocalAccount:
        if name not in self._cache:
            encrypted = json.loads(self._path(name).read_text(encoding="utf-8"))
            self._cache[name] = Account.from_key(Account.decrypt(encrypted, self._passphrase))
        return self._cache[name]

    def get_or_create(self, name: str) -> LocalAccount:
        return self.load(name) if self.exists(name) else self.create(name)
