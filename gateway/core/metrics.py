"""Prometheus metrics: requests by route, transactions and gas by operation, bundles (issue 28)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry()
REQUESTS = Counter("billchain_http_requests_total", "HTTP requests", ["method", "route", "status"], registry=REGISTRY)
LATENCY = Histogram("billchain_http_request_seconds", "HTTP request latency", ["method", "route"], registry=REGISTRY)
TRANSACTIONS = Counter("billchain_transactions_total", "Transactions mined", ["operation"], registry=REGISTRY)
REORGS = Counter("billchain_chain_reorgs_total", "Blocks whose parent was not the one indexed", registry=REGISTRY)
GAS = Counter("billchain_gas_used_total", "Gas used by mined transactions", ["operation"], registry=REGISTRY)

BUNDLES = Counter("billchain_bundles_total", "Bundle transactions mined", registry=REGISTRY)
BUNDLE_ITEMS = Counter("billchain_bundle_items_total", "Writes carried in bundles", ["outcome"], registry=REGISTRY)
BUNDLE_GAS = Counter("billchain_bundle_gas_used_total", "Gas used by mined bundles", registry=REGISTRY)
BUNDLE_SIZE = Histogram(
    "billchain_bundle_size", "Items per bundle", buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256), registry=REGISTRY
)


def record_bundle(size: int, failed: int, gas_used: int) -> None:
    BUNDLES.inc()
    BUNDLE_ITEMS.labels("executed").inc(size - failed)
    BUNDLE_ITEMS.labels("failed").inc(failed)
    BUNDLE_GAS.inc(gas_used)
    BUNDLE_SIZE.observe(size)


def record_tx(operation: str, gas_used: int) -> None:
    TRANSACTIONS.labels(operation).inc()
    GAS.labels(operation).inc(gas_used)
