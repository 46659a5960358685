"""The gateway's rules and orchestration; routes stay thin over these."""
