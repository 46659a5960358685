"""Thin HTTP routes over the services."""
