"""API tokens (stored hashed, strong, rotated) and sealing at rest (AES-256-GCM, keys with ids).

Sealed blobs carry the id of the key that sealed them (`BK1:<kid>:` + nonce + ciphertext),
so keys rotate: `billchain rotate-sealing-key` makes a new current key, seals everything the
gateway keeps again under it (gateway/ledger/resealing.py) and deletes the old keys. A blob
without the prefix was sealed by a gateway before key ids, with the data dir's `documents.key`,
which opens those until the first rotation.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from chain.keys import write_private

TOKEN_PREFIX = "bc_"
#: the operator's token, when it comes from the environment: at least this long and this varied
OPERATOR_TOKEN_MIN_CHARS = 32
OPERATOR_TOKEN_MIN_DISTINCT = 12
BLOB_MAGIC = b"BK1:"
KID = re.compile(r"^[0-9a-f]{8}$")


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_expiry(ttl_days: int | None) -> datetime | None:
    """When a token made now stops working (naive UTC, as the database keeps times), or None."""
    return None if ttl_days is None else datetime.now(UTC).replace(tzinfo=None) + timedelta(days=ttl_days)


def hash_token(token: str) -> str:
    # Tokens are 256-bit random strings: a plain SHA-256 is enough, no salt or stretching needed.
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class WeakOperatorToken(ValueError):
    """BILLCHAIN_OPERATOR_TOKEN is too short or too uniform to stand for the operator."""


def require_strong(token: str) -> None:
    """At least 32 characters, at least 12 of them different: a random string (a generated token has 46,
    of some 30 kinds), not a word, a date or a repeated character."""
    if len(token) < OPERATOR_TOKEN_MIN_CHARS or len(set(token)) < OPERATOR_TOKEN_MIN_DISTINCT:
        raise WeakOperatorToken(
            f"BILLCHAIN_OPERATOR_TOKEN is too weak: at least {OPERATOR_TOKEN_MIN_CHARS} characters, "
            f"{OPERATOR_TOKEN_MIN_DISTINCT} of them different, of a random string, e.g. from "
            "`python3 -c 'import secrets; print(\"bc_\" + secrets.token_urlsafe(32))'`; or leave it unset "
            "and one is generated into the data dir"
        )


def operator_token(data_dir: Path, configured: str | None) -> tuple[str, Path | None]:
    """The operator's token: from the environment (refused below the minimum strength), else generated
    once into <data-dir>/operator.token (mode 0600)."""
    if configured:
        require_strong(configured)
        return configured, None
    path = data_dir / "operator.token"
    if not path.exists():
        write_private(path, new_token())
    return path.read_text(encoding="utf-8").strip(), path


class DocumentCipher:
    """AES-256-GCM with keys kept (mode 0600) in `<data-dir>/sealing-keys/`, for documents and recorded
    answers; what a blob belongs to (a document's hash, a caller's key) is bound as AAD, and a blob
    names the key that sealed it."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = data_dir / "sealing-keys"
        self.dir.mkdir(exist_ok=True)
        current = self.dir / "current"
        if not current.exists():
            self.rotate()
        self._keys: dict[str, AESGCM] = {}
        self._legacy_path = data_dir / "documents.key"
        legacy = self._legacy_path
        self._legacy = AESGCM(bytes.fromhex(legacy.read_text().strip())) if legacy.exists() else None
        self.current = current.read_text(encoding="utf-8").strip()

    def rotate(self) -> str:
        """A new key, current from now on; the old ones still open what they sealed."""
        kid = secrets.token_hex(4)
        write_private(self.dir / f"{kid}.key", AESGCM.generate_key(bit_length=256).hex())
        write_private(self.dir / "current", kid)
        self.current = kid
        return kid

    def retire_others(self) -> list[str]:
        """Delete every key but the current one (and the legacy documents.key): what they sealed no
        longer opens here. Only after everything kept was sealed again under the current key."""
        retired = sorted(path.stem for path in self.dir.glob("*.key") if path.stem != self.current)
        for kid in retired:
            (self.dir / f"{kid}.key").unlink()
            self._keys.pop(kid, None)
        if self._legacy is not None:
            self._legacy_path.unlink()
            self._legacy = None
            retired.append("documents.key")
        return retired

    def sealed_by_current(self, blob: bytes) -> bool:
        return blob.startswith(BLOB_MAGIC + self.current.encode() + b":")

    def _key(self, kid: str) -> AESGCM:
        if kid not in self._keys:
            if not KID.match(kid) or not (self.dir / f"{kid}.key").exists():
                raise ValueError(f"no sealing key {kid!r}")
            self._keys[kid] = AESGCM(bytes.fromhex((self.dir / f"{kid}.key").read_text().strip()))
        return self._keys[kid]

    def seal(self, data: bytes, bound: str) -> bytes:
        nonce = os.urandom(12)
        sealed = self._key(self.current).encrypt(nonce, data, bound.encode())
        return BLOB_MAGIC + self.current.encode() + b":" + nonce + sealed

    def open(self, blob: bytes, bound: str) -> bytes:
        """The data, or ValueError/InvalidTag when the blob was not sealed here for `bound`."""
        if blob.startswith(BLOB_MAGIC):
            head = len(BLOB_MAGIC)
            kid, body = blob[head : head + 8].decode(errors="replace"), blob[head + 9 :]
            return self._key(kid).decrypt(body[:12], body[12:], bound.encode())
        if self._legacy is None:
            raise ValueError("a blob sealed before key ids, and no documents.key to open it")
        return self._legacy.decrypt(blob[:12], blob[12:], bound.encode())
