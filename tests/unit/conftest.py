"""The domain's unit tests run on a bare ``Store`` (engine, session factories, event bus) over a
migrated SQLite copy: no Flask app is built, which keeps ``surveys`` and ``commissioning_steps``
honest about not needing one, and keeps these tests fast."""
from __future__ import annotations

import pytest

from commissioning_steps.db import Store


@pytest.fixture
def store(database_url):
    s = Store(database_url, synchronous="NORMAL")  # no fsync a commit: test data need not outlive a power cut
    yield s
    s.dispose()


@pytest.fixture
def app():
    pytest.fail("unit tests of the domain run without a Flask app: use the store fixture")
