"""What every log line of a request carries: its request id, Idempotency-Key, participant and transaction.

Each is a context variable, bound once where it becomes known (the request id and key as the request comes
in, the participant once authenticated, the transaction once signed: gateway/http/middleware/context.py,
gateway/http/middleware/auth.py, gateway/services/base.py), and read by one logging filter that every handler
of the `billchain` loggers and uvicorn's carries: a line logged anywhere in the request says whose and which
it is, and nobody passes it along by hand. Never a secret: a token is not a participant's id.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

REQUEST_ID: ContextVar[str | None] = ContextVar("billchain_request_id", default=None)
IDEMPOTENCY_KEY: ContextVar[str | None] = ContextVar("billchain_idempotency_key", default=None)
PARTICIPANT: ContextVar[str | None] = ContextVar("billchain_participant", default=None)
TX_HASH: ContextVar[str | None] = ContextVar("billchain_tx_hash", default=None)

FIELDS = (("request", REQUEST_ID), ("key", IDEMPOTENCY_KEY), ("participant", PARTICIPANT), ("tx", TX_HASH))
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s%(context)s"


class ContextFilter(logging.Filter):
    """Puts the request's context on each record: as attributes (request_id, idempotency_key, participant,
    tx_hash) for a structured handler, and as ` [request=… participant=…]` (`context`) for a text one."""

    def filter(self, record: logging.LogRecord) -> bool:
        values = {name: var.get() for name, var in FIELDS}
        record.request_id, record.idempotency_key = values["request"], values["key"]
        record.participant, record.tx_hash = values["participant"], values["tx"]
        bound = " ".join(f"{name}={value}" for name, value in values.items() if value)
        record.context = f" [{bound}]" if bound else ""
        return True


def configure() -> None:
    """The gateway's log lines on stderr, each with its request's context (`billchain serve`)."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(ContextFilter())
    billchain = logging.getLogger("billchain")
    billchain.addHandler(handler)
    billchain.setLevel(logging.INFO)
    billchain.propagate = False
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        for existing in logging.getLogger(name).handlers:
            existing.addFilter(ContextFilter())
