"""A commission whose journey is complete (every step through its gateway by a recorded
override, so each step holds exactly one entry to begin with), its commissioner and evaluator,
an outsider evaluator, and helpers that store surveys and responses by hand so each indicator
can be checked against figures worked out by hand."""
from __future__ import annotations

import pytest

from commissioning_steps import journey, progression, staff
from commissioning_steps.checkpoint_signing import Signer, generate_private_key_pem, load_private_key
from commissioning_steps.commissions import Commission

@pytest.fixture
def db(store):
    s = store.session(write=True)
    yield s
    s.close()


@pytest.fixture
def people(world):
    casey = world.user("casey@example.org", staff.COMMISSIONER, "Casey")
    eve = world.user("eve@example.org", staff.EVALUATOR, "Eve")
    olga = world.user("olga@example.org", staff.EVALUATOR, "Olga")
    return {"casey": casey, "eve": eve, "olga": olga}


def _make(world, db, people, complete: bool, groups=(("Carers", 40), ("Residents", 60))):
    c = world.commission(people["casey"], "Day opportunities", groups=list(groups),
                         partners=["Sutton Council", "NHS South West London"])
    world.add_member(c, "eve@example.org", staff.EVALUATOR)
    c = db.get(Commission, c.id)
    if complete:
        for step in journey.STEPS:
            progression.complete_step(db, c, step.key, people["casey"], override_reason="Recorded on paper for this test")
    return c


@pytest.fixture
def done(world, db, people):
    """Every step complete; each step's only entry is its gateway override."""
    return _make(world, db, people, complete=True)


@pytest.fixture
def fresh(world, db, people):
    """A commission at Initiate with no evidence at all."""
    return _make(world, db, people, complete=False)


@pytest.fixture
def signer():
    return Signer(load_private_key(generate_private_key_pem()))
