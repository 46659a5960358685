"""Attacks on the product, as a bank's security team would run them (docs/SECURITY.md): each test is
an attack that worked on the commit the attack-tested issue started from, and must fail now."""

from tests.api.conftest import api, cast, postgres_server  # noqa: F401 - the API suite's fixtures
from tests.conftest import embedded_world, world  # noqa: F401 - the contracts' fixtures
