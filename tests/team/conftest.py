"""A real PostgreSQL server for the team-library tests, started by the suite (``curator.team.localserver``)."""

from __future__ import annotations

import pytest

from curator.errors import CuratorError
from curator.team.localserver import LocalServer, pg_bindir


@pytest.fixture(scope="session")
def pg_server():
    if pg_bindir() is None:
        pytest.skip("PostgreSQL is not installed (make test installs Debian's postgresql package)")
    try:
        server = LocalServer().start()
    except CuratorError as err:
        pytest.skip(str(err))
    yield server
    server.stop()


@pytest.fixture
def team_url(pg_server) -> str:
    """A fresh, empty team database for one test."""
    return pg_server.new_database()
