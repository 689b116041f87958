"""``transaction()`` and ``@transactional``: services own their transactions, and only the
outermost one commits, so a composite change is all or nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from commissioning_steps import commissions, db, staff
from commissioning_steps.commissions import Commission


def _count(store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count(Commission.id)))


def test_a_service_commits_its_own_change(world, store):
    owner = world.user("ann@example.org", staff.COMMISSIONER)
    with store.session(write=True) as s:
        commissions.create_commission(s, owner, commissions.CommissionInput(title="Committed"))
    assert _count(store) == 1  # seen from another session: it was committed, not just flushed


def test_an_error_inside_an_outer_transaction_undoes_the_inner_services_too(world, store):
    owner = world.user("ann@example.org", staff.COMMISSIONER)
    with store.session(write=True) as s:
        with pytest.raises(RuntimeError):
            with db.transaction(s):
                commissions.create_commission(s, owner, commissions.CommissionInput(title="One"))
                commissions.create_commission(s, owner, commissions.CommissionInput(title="Two"))
                raise RuntimeError("the composite change failed half way")
    assert _count(store) == 0


def test_inner_services_do_not_commit_before_the_outer_block_ends(world, store):
    owner = world.user("ann@example.org", staff.COMMISSIONER)
    with store.session(write=True) as s:
        with db.transaction(s):
            commissions.create_commission(s, owner, commissions.CommissionInput(title="Pending"))
            assert s.in_transaction()
            with store.session() as other:
                assert other.scalar(select(func.count(Commission.id))) == 0
        assert _count(store) == 1


def test_a_service_that_fails_validation_leaves_the_session_usable(world, store):
    owner = world.user("ann@example.org", staff.COMMISSIONER)
    with store.session(write=True) as s:
        with pytest.raises(Exception):
            commissions.create_commission(s, owner, commissions.CommissionInput(title=""))
        commissions.create_commission(s, owner, commissions.CommissionInput(title="Second try"))
    assert _count(store) == 1


def test_a_service_inside_a_savepoint_joins_it(world, store):
    owner = world.user("ann@example.org", staff.COMMISSIONER)
    with store.session(write=True) as s:
        with db.transaction(s):
            with pytest.raises(RuntimeError):
                with s.begin_nested():
                    commissions.create_commission(s, owner, commissions.CommissionInput(title="Undone"))
                    raise RuntimeError("only this part fails")
            commissions.create_commission(s, owner, commissions.CommissionInput(title="Kept"))
    with store.session() as s:
        assert s.scalars(select(Commission.title)).all() == ["Kept"]


def test_the_sqlite_file_is_created_readable_by_its_owner_only(tmp_path):
    import os
    import stat

    path = tmp_path / "new.sqlite3"
    db.upgrade(f"sqlite:///{path}")
    for name in (path, *tmp_path.glob("new.sqlite3-*")):
        assert stat.S_IMODE(os.stat(name).st_mode) & 0o077 == 0, name


@pytest.mark.parametrize("title", ["\u200b\u200b", "\u200e \u2060", "\x00"])
def test_a_title_that_shows_nothing_is_refused(world, store, title):
    from commissioning_steps.errors import Invalid

    owner = world.user("ann@example.org", staff.COMMISSIONER)
    with store.session(write=True) as s, pytest.raises(Invalid) as exc:
        commissions.create_commission(s, owner, commissions.CommissionInput(title=title))
    assert "title" in exc.value.fields
