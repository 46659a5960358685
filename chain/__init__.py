"""The chain layer of billchain: compile, deploy, backends, typed clients, keys."""
