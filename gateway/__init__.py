"""The billchain gateway, what a bank runs: the HTTP API over the chain layer, its index and its CLI
(`billchain serve | reindex | repair-journal | rotate-sealing-key`); the tools are billchain_tools'."""
