"""Problems: what services raise, and its RFC 9457 body.

`Problem` carries a `ProblemCode` (chain/problem_codes.py: the one table of codes, statuses and titles); the
HTTP layer (gateway/http/problems.py) renders it as `application/problem+json`, and so does the ledger when
it settles an answer after a crash (`problem_body`).
"""

from __future__ import annotations

import json
from typing import Any

from chain.errors import ChainError, ContractError
from chain.problem_codes import ProblemCode


class Problem(Exception):
    """A failed request: its problem code, and a detail for a human."""

    def __init__(self, code: ProblemCode, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.extra = extra

    @classmethod
    def from_chain(cls, error: ChainError) -> Problem:
        code = getattr(error, "code", ProblemCode.CHAIN_UNAVAILABLE)
        detail = str(error) if isinstance(error, ContractError) else f"chain error: {error}"
        return cls(code, detail)


def problem_document(code: ProblemCode, detail: str, **extra: Any) -> dict[str, Any]:
    """The RFC 9457 body of a problem."""
    return {
        "type": f"/problems/{code.lower().replace('_', '-')}",
        "title": code.summary,
        "status": code.status,
        "detail": detail,
        "code": code.value,
        **extra,
    }


def problem_body(code: ProblemCode, detail: str) -> tuple[int, bytes]:
    """A problem's status and body as the HTTP layer sends it (JSON, compact, UTF-8)."""
    document = problem_document(code, detail)
    return code.status, json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
