"""The billchain gateway: HTTP API, CLI, replay and bench engines over the chain layer."""
