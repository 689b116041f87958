"""With Redis as the limiter's storage, two app processes share one budget per address."""
from __future__ import annotations

import random

import pytest

from engage import create_app, rate_limits

pytestmark = pytest.mark.integration


def test_two_apps_on_one_redis_share_the_budget(tmp_path):
    address = f"198.51.100.{random.randint(1, 254)}"  # documentation range; fresh per run
    apps = [create_app({"DATABASE_URL": f"sqlite:///{tmp_path / f'{n}.sqlite3'}", "RATE_LIMITS_ENABLED": True,
                        "RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/5",
                        "RATE_LIMITS": {"submit": "10/minute"}}) for n in range(2)]
    try:
        name = f"submit-{random.getrandbits(32)}"
        hits = 0
        for n in range(10):
            with apps[n % 2].test_request_context(environ_base={"REMOTE_ADDR": address}):
                hits += rate_limits.allowed(name, 10)
        assert hits == 10
        for app in apps:
            with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
                assert not rate_limits.allowed(name, 10)  # the other process used the budget up
    finally:
        for app in apps:
            app.extensions["engage.db"].engine.dispose()
