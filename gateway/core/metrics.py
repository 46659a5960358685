"""Prometheus metrics: requests by route, transactions and gas by operation."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry()
REQUESTS = Counter("billchain_http_requests_total", "HTTP requests", ["method", "route", "status"], registry=REGISTRY)
LATENCY = Histogram("billchain_http_request_seconds", "HTTP request latency", ["method", "route"], registry=REGISTRY)
TRANSACTIONS = Counter("billchain_transactions_total", "Transactions mined", ["operation"], registry=REGISTRY)
REORGS = Counter("billchain_chain_reorgs_total", "Blocks whose parent was not the one indexed", registry=REGISTRY)
GAS = Counter("billchain_gas_used_total", "Gas used by mined transactions", ["operation"], registry=REGISTRY)


def record_tx(operation: str, gas_used: int) -> None:
    TRANSACTIONS.labels(operation).inc()
    GAS.labels(operation).inc(gas_used)
