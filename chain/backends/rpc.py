"""Any JSON-RPC node: anvil (a dev chain) or a production network such as Besu QBFT."""

from __future__ import annotations

import logging
from typing import Any

from eth_typing import ChecksumAddress
from hexbytes import HexBytes
from web3 import Web3
from web3.exceptions import ContractLogicError, Web3RPCError
from web3.middleware import ExtraDataToPOAMiddleware
from web3.types import RPCEndpoint, TxParams

from chain.backends.base import DEV_FUNDING_WEI, ChainBackend, DevChainOnly
from chain.backends.keepalive import KeepAliveProvider, is_local
from chain.errors import ChainUnavailable

log = logging.getLogger("billchain.chain")


def _reverted(error: Any) -> ContractLogicError | None:
    """The revert a JSON-RPC error reports, or None for another error: revert data as hex ("data": "0x…", as
    geth, Besu and anvil send it), or geth's code 3, or a message that says the call reverted."""
    if not isinstance(error, dict):
        return None
    data, message = error.get("data"), str(error.get("message") or "execution reverted")
    if isinstance(data, str) and data.startswith("0x"):
        return ContractLogicError(message, data=data)
    if error.get("code") == 3 or "revert" in message.lower():
        return ContractLogicError(message, data=data if isinstance(data, str | dict) else None)
    return None


class RpcBackend(ChainBackend):
    name = "rpc"

    def __init__(self, url: str, timeout: float = 30.0, gas_price: int | None = None, eip1559: bool = False) -> None:
        # a node on this machine over keep-alive http.client connections (chain/backends/keepalive.py);
        # any other through web3.py's own sessions, which honour the environment's proxies
        provider = (
            KeepAliveProvider(url, timeout)
            if is_local(url)
            else Web3.HTTPProvider(url, request_kwargs={"timeout": timeout})
        )
        super().__init__(Web3(provider), gas_price=gas_price)
        # A proof-of-authority block's extraData carries its seal (Clique: 97 bytes and more; QBFT: an RLP
        # list of validators and seals), longer than the 32 bytes web3.py's block formatter accepts.
        self.w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
        self.url = url
        self.eip1559 = eip1559
        try:
            client = str(self.w3.client_version)
        except Exception as exc:  # any transport failure means the same to a caller
            raise ChainUnavailable(f"no JSON-RPC node answers at {url}: {exc}") from exc
        self.is_dev = client.lower().startswith("anvil")

    def estimate_gas(self, tx: TxParams) -> int:
        """`eth_estimateGas` as a plain JSON-RPC request: web3.py's request formatters would check and
        checksum every address of it again (a tenth of a write's CPU, measured: BENCHMARKS.md). A revert is
        raised as `w3.eth.estimate_gas` raises it: ContractLogicError, with the revert data."""
        call = {"from": tx["from"], "data": HexBytes(tx["data"]).to_0x_hex(), "value": hex(tx.get("value", 0))}
        if tx.get("to"):  # none: a contract's deployment
            call["to"] = tx["to"]
        response = self.w3.provider.make_request(RPCEndpoint("eth_estimateGas"), [call])
        if "error" in response:
            reverted = _reverted(response["error"])
            if reverted is not None:
                raise reverted
            raise Web3RPCError(str(response["error"]), rpc_response=response)
        return int(response["result"], 16)

    def call(self, to: str, data: bytes) -> bytes:
        """eth_call as a plain JSON-RPC request (web3.py's formatters would check its addresses again)."""
        response = self.w3.provider.make_request(
            RPCEndpoint("eth_call"), [{"to": to, "data": "0x" + data.hex()}, "latest"]
        )
        if "error" in response:
            reverted = _reverted(response["error"])
            if reverted is not None:
                raise reverted
            raise Web3RPCError(str(response["error"]), rpc_response=response)
        return bytes.fromhex(str(response["result"])[2:])

    def _rpc(self, method: str, params: list[Any]) -> Any:
        if not self.is_dev:
            raise DevChainOnly(f"{method} needs a development chain")
        response = self.w3.provider.make_request(method, params)  # type: ignore[arg-type]
        if "error" in response:
            raise DevChainOnly(f"{method}: {response['error']}")
        return response

    def allow_account(self, address: ChecksumAddress) -> None:
        """Besu's PERM API (local account permissioning) on this node; a node without it (anvil,
        or PERM not enabled) allows every account, and an account already allowed stays so."""
        response = self.w3.provider.make_request("perm_addAccountsToAllowlist", [[address]])  # type: ignore[arg-type]
        if "error" in response:
            log.info("account allowlist of %s: %s not added: %s", self.url, address, response["error"])

    def fund(self, address: ChecksumAddress) -> None:
        if self.is_dev:
            self._rpc("anvil_setBalance", [address, hex(DEV_FUNDING_WEI)])

    def advance_time(self, seconds: int) -> None:
        self._rpc("evm_increaseTime", [seconds])
        self._rpc("evm_mine", [])

    def interval_mining(self, seconds: int) -> None:
        """Stop mining a block per transaction; mine one every `seconds` (whole seconds) instead (anvil)."""
        self._rpc("evm_setAutomine", [False])
        self._rpc("evm_setIntervalMining", [seconds])

    def snapshot(self) -> Any:
        return self._rpc("evm_snapshot", [])["result"]

    def revert(self, snapshot: Any) -> None:
        self._rpc("evm_revert", [snapshot])
        self.nonces.forget_all()  # every account's nonce went back with the chain
