"""`billchain replay`: business stories in YAML, replayed through the HTTP API (SCENARIOS.md)."""
