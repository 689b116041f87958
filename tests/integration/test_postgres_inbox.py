"""The inbox on PostgreSQL: the migration's generated tsvector column and GIN index serve search,
and themes, decisions and removal behave as on SQLite."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text

from commissioning_steps import commissions, inputs, progression, staff, themes
from commissioning_steps.inputs import Filters, NewItem

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def store(pg_store):
    return pg_store


def _item(n: int, words: str, group: str) -> NewItem:
    return NewItem(ref=inputs.ref(inputs.SURVEY_ANSWER, n, "q1"), kind="free_text", activity_kind="survey",
                   activity_id=1, activity_title="Survey", step="initiate", text=words, question_ref="q1",
                   respondent_key=f"survey-response:{n}", respondent_group=group, created_at=datetime(2026, 11, n))


def test_search_themes_and_removal_on_postgresql(store):
    with store.session(write=True) as s:
        user = staff.create_user(s, email="pg@example.org", name="Pat", role=staff.COMMISSIONER, password_hash="x")
        commission = commissions.create_commission(s, user, commissions.CommissionInput(title="Inbox on PostgreSQL"))
        inputs.index(s, commission.id, [_item(1, "The buses run late on Sundays", "Carers"),
                                        _item(2, "More buses please", "Residents"),
                                        _item(3, "A quieter library", "Residents")])
        assert inputs.search(s, commission.id, Filters(q="bus")).total == 2  # the last word is a prefix
        assert inputs.search(s, commission.id, Filters(q="running late")).total == 1  # stems: running ~ run
        assert inputs.search(s, commission.id, Filters(q="library", group="Residents")).total == 1
        s.execute(text("SET LOCAL enable_seqscan = off"))  # three rows: show the index can serve it
        plan = s.execute(text("EXPLAIN SELECT id FROM input_items WHERE search @@ to_tsquery('english', 'bus:*')"))
        assert "ix_input_items_search" in " ".join(row[0] for row in plan)
        s.rollback()
        theme = themes.create_theme(s, commission, user, name="Buses")
        themes.tag(s, theme, inputs.ids_matching(s, commission.id, Filters(q="bus")), user)
        assert [(x.items, x.residents) for x in themes.summaries(s, commission.id)] == [(2, 2)]
        inputs.remove(s, prefix="survey-answer:1:")
        assert [(x.items, x.residents) for x in themes.summaries(s, commission.id)] == [(1, 1)]
        progression.complete_step(s, commission, "initiate", user, override_reason="Evidence is held elsewhere")
