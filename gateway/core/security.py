"""API tokens (stored hashed) and document encryption at rest (AES-256-GCM)."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from chain.keys import write_private

TOKEN_PREFIX = "bc_"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # Tokens are 256-bit random strings: a plain SHA-256 is enough, no salt or stretching needed.
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def operator_token(data_dir: Path, configured: str | None) -> tuple[str, Path | None]:
    """The operator's token: from the environment, else generated once into <data-dir>/operator.token."""
    if configured:
        return configured, None
    path = data_dir / "operator.token"
    if not path.exists():
        write_private(path, new_token())
    return path.read_text(encoding="utf-8").strip(), path


class DocumentCipher:
    """AES-256-GCM with a key kept (mode 0600) in the data dir, for documents and recorded answers;
    what the blob belongs to (a document's hash, a caller's key) is bound as AAD."""

    def __init__(self, data_dir: Path) -> None:
        path = data_dir / "documents.key"
        if not path.exists():
            write_private(path, AESGCM.generate_key(bit_length=256).hex())
        self._aead = AESGCM(bytes.fromhex(path.read_text(encoding="utf-8").strip()))

    def seal(self, data: bytes, bound: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, data, bound.encode())

    def open(self, blob: bytes, bound: str) -> bytes:
        return self._aead.decrypt(blob[:12], blob[12:], bound.encode())
