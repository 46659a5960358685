"""All gateway settings, from the environment (prefix BILLCHAIN_) or the command line."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BILLCHAIN_", extra="ignore")

    chain: str = "embedded"
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path(".billchain")
    database_url: str | None = None
    operator_token: str | None = None
    block_time: float | None = Field(default=None, gt=0)
    #: wei per gas for every transaction; 0 on a free-gas network (Besu); default: the node's price
    gas_price: int | None = Field(default=None, ge=0)
    #: a URL chain: EIP-1559 (type 2) transactions at the gas price instead of legacy ones
    eip1559: bool = False
    #: requests a second per API token (0: no limit), and the burst a token may spend at once
    rate_limit: float = Field(default=100.0, ge=0)
    rate_burst: int = Field(default=200, ge=1)
    #: the largest JSON body, in bytes (documents: 10 MiB, API.md)
    max_body: int = Field(default=64 * 1024, ge=1024)
    #: requests a second per client address, before authentication (0: no limit), and its burst
    address_rate_limit: float = Field(default=500.0, ge=0)
    address_rate_burst: int = Field(default=1000, ge=1)
    #: failed authentications a second per client address (API.md: 10 after a burst of 20; 0: no limit); past
    #: them 429 before any token is looked up
    auth_failure_rate: float = Field(default=10.0, ge=0)
    auth_failure_burst: int = Field(default=20, ge=1)
    #: the proxies whose X-Forwarded-For names the client (comma-separated addresses or networks, e.g. the TLS
    #: proxy of docs/DEPLOY.md); none by default: a client never picks its own address
    trusted_proxies: str = ""
    #: days a participant's API token works (None: until it is rotated or revoked)
    token_ttl_days: int | None = Field(default=None, ge=1)
    #: how long a prepared operation may wait for its signature and its block (docs/SIGNING.md)
    signature_ttl: int = Field(default=900, ge=30, le=30 * 86_400)
    #: another gateway's platform to join instead of deploying one: its address book (<its data dir>/chains/
    #: <chain id>.json) or its /v1/health answer saved to a file (docs/GATEWAYS.md)
    contracts: Path | None = None
    #: seconds without a new block after which every write waiting for one is answered 503
    #: CHAIN_UNAVAILABLE (docs/RELIABILITY.md): a network that lost its quorum seals nothing
    stalled_after: float = Field(default=30.0, ge=1)
    #: seconds a change of who runs the platform waits (the admin timelock), set at deployment
    admin_delay: int = Field(default=2 * 86_400, ge=0)

    #: deploy (or attach to) the confidential ledger and serve cash on it (docs/PRIVACY.md §3.12; what it serves,
    #: and what it refuses, in docs/PRIVACY.md §8)
    confidential: bool = False
    #: hosted callers' writes ready at the same moment go to the chain as one bundle transaction (issue 28,
    #: gateway/ledger/bundler.py); off until proven
    bundle_writes: bool = False
    #: seconds a bundle's first write waits for company (at most one block time). 0.05: a bundle that leaves
    #: sooner is likelier to make the next block (BENCHMARKS.md, "The bundle wait": against 0.25 s, 1.15 x
    #: the rate at 64 clients on anvil, 1.05 x at 256, 1.22 x on four Clique signers)
    bundle_wait: float = Field(default=0.05, gt=0, le=30)

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'gateway.db'}"
