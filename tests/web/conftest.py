"""Fixtures for the HTTP and Socket.IO tests."""
from __future__ import annotations

import pytest


@pytest.fixture
def alice(world, team):
    """API headers for Alice, the commissioner on the ``team`` fixture's commission."""
    return world.token("alice@example.org")
