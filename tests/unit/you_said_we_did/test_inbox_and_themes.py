"""The inbox's filters and search, and themes: tag, merge, split, delete, quotes, counts."""
from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import func, select

from commissioning_steps import evidence, inputs, themes
from commissioning_steps.errors import Conflict, Invalid
from commissioning_steps.inputs import Filters
from commissioning_steps.themes import ThemeItem

from ysd_data import by_ref, survey_item


def refs(page):
    return sorted(i.ref for i in page.items)


def test_search_uses_the_full_text_index_and_matches_words_not_substrings(db, commission, items):
    page = inputs.search(db, commission.id, Filters(q="transport"))
    assert refs(page) == ["live-vote:71", "survey-answer:1:q1", "survey-answer:2:q1"]
    # "port" is inside "transport" but is not a word of it: a LIKE scan would have matched
    assert inputs.search(db, commission.id, Filters(q="port")).total == 0
    # the last word is a prefix, so typing on finds words as they are being typed
    assert inputs.search(db, commission.id, Filters(q="weeken")).total == 3


def test_search_text_is_never_query_syntax(db, commission, items):
    for typed in ('"', "transport OR", "NEAR(", "*", "-minibus", "a:b", "))"):
        inputs.search(db, commission.id, Filters(q=typed))  # no error from FTS5's own syntax


def test_filters_combine_and_count_in_sql(db, commission, items):
    assert inputs.search(db, commission.id, Filters(group="Carers")).total == 4
    assert inputs.search(db, commission.id, Filters(step="investigate")).total == 3
    assert inputs.search(db, commission.id, Filters(activity="live_session:9", question="lq1")).total == 2
    assert inputs.search(db, commission.id, Filters(since=datetime(2026, 11, 4), until=datetime(2026, 11, 6))).total == 3
    assert inputs.search(db, commission.id, Filters(group="Carers", q="transport")).total == 2


def test_paging(db, commission, items):
    first = inputs.search(db, commission.id, per_page=4)
    second = inputs.search(db, commission.id, page=2, per_page=4)
    third = inputs.search(db, commission.id, page=3, per_page=4)
    assert (first.total, first.pages, len(first.items), len(second.items), len(third.items)) == (10, 3, 4, 4, 2)
    assert first.has_next and not third.has_next
    assert not {i.id for i in first.items} & {i.id for i in second.items}


def test_bad_filters_are_named(db):
    with pytest.raises(Invalid) as exc:
        inputs.parse_filters({"theme": "x", "since": "yesterday", "activity": "survey"})
    assert set(exc.value.fields) == {"theme", "since", "activity"}


def test_hidden_items_stay_in_the_inbox_marked(db, commission, items):
    hidden = [i for i in inputs.search(db, commission.id).items if i.hidden]
    assert [i.ref for i in hidden] == ["live-entry:5"]


def test_tag_in_bulk_from_a_filtered_list_and_no_theme_yet(db, commission, owner, items):
    transport = themes.create_theme(db, commission, owner, name="Transport")
    ids = inputs.ids_matching(db, commission.id, Filters(q="transport minibus"))
    ids += inputs.ids_matching(db, commission.id, Filters(q="transport"))
    assert themes.tag(db, transport, ids, owner) == 3
    assert themes.tag(db, transport, ids, owner) == 0  # tagging again changes nothing
    assert inputs.search(db, commission.id, Filters(theme=transport.id)).total == 3
    assert inputs.search(db, commission.id, Filters(theme="none")).total == 7


def test_an_item_may_carry_several_themes(db, commission, owner, items):
    a = themes.create_theme(db, commission, owner, name="Transport")
    b = themes.create_theme(db, commission, owner, name="Reliability")
    item = by_ref(items, "survey-answer:1:q2")
    themes.tag(db, a, item, owner)
    themes.tag(db, b, item, owner)
    assert sorted(t.name for t in themes.themes_by_item(db, item)[item[0]]) == ["Reliability", "Transport"]


def test_theme_names_are_unique_per_commission_and_checked(db, commission, owner):
    themes.create_theme(db, commission, owner, name="Transport")
    with pytest.raises(Conflict):
        themes.create_theme(db, commission, owner, name="  transport ")
    with pytest.raises(Invalid) as exc:
        themes.create_theme(db, commission, owner, name="", description=5)
    assert set(exc.value.fields) == {"name", "description"}


def test_counts_per_theme_per_group_and_per_activity(db, commission, owner, items):
    transport = themes.create_theme(db, commission, owner, name="Transport")
    themes.tag(db, transport, by_ref(items, "survey-answer:1:q1", "survey-answer:1:q2", "survey-answer:2:q1",
                                     "live-vote:71"), owner)
    [summary] = themes.summaries(db, commission.id)
    assert summary.items == 4
    assert summary.residents == 3  # respondent 1 said two of these things
    assert summary.by_group == [("Not said", 1), ("Carers", 2)] or summary.by_group == [("Carers", 2), ("Not said", 1)]
    assert dict(summary.by_activity) == {"Market day poll": 1, "Survey 1": 3}


def test_merge_moves_items_quotes_and_decision_links_and_keeps_the_merged_theme(db, commission, owner, items):
    from commissioning_steps import decisions

    weekends = themes.create_theme(db, commission, owner, name="Weekends")
    saturday = themes.create_theme(db, commission, owner, name="Saturdays", minority=True)
    themes.tag(db, weekends, by_ref(items, "survey-answer:3:q1", "survey-answer:4:q1"), owner)
    themes.tag(db, saturday, by_ref(items, "survey-answer:1:q1", "survey-answer:4:q1"), owner)
    themes.pick_quote(db, saturday, items["survey-answer:1:q1"].id, owner)
    decision = decisions.record_decision(db, commission, owner, _decision(), themes=[saturday.id])
    themes.merge(db, saturday, weekends, owner)
    assert saturday.merged_into_id == weekends.id
    [summary] = themes.summaries(db, commission.id)
    assert summary.theme.id == weekends.id
    assert summary.items == 3  # the item both carried counts once
    assert [q.ref for q, _ in summary.quotes] == ["survey-answer:1:q1"]
    assert summary.decision_ids == [decision.id]
    assert weekends.minority  # a dissenting view does not vanish into the theme that remains
    with pytest.raises(Conflict):
        themes.tag(db, saturday, by_ref(items, "survey-answer:5:q1"), owner)
    with pytest.raises(Conflict):
        themes.delete_theme(db, saturday)


def test_merge_into_itself_or_another_commission_is_refused(db, commission, owner, world):
    a = themes.create_theme(db, commission, owner, name="A")
    with pytest.raises(Invalid):
        themes.merge(db, a, a, owner)
    other = db.get(type(commission), world.commission(owner, "Elsewhere").id)
    b = themes.create_theme(db, other, owner, name="B")
    with pytest.raises(Invalid):
        themes.merge(db, a, b, owner)


def test_split_moves_the_chosen_items_to_a_new_theme(db, commission, owner, items):
    broad = themes.create_theme(db, commission, owner, name="Centre")
    chosen = by_ref(items, "survey-answer:5:q1")
    themes.tag(db, broad, by_ref(items, "survey-answer:3:q1", "survey-answer:4:q1", "survey-answer:5:q1"), owner)
    cafe = themes.split(db, broad, chosen, owner, name="Café")
    counts = {s.theme.name: s.items for s in themes.summaries(db, commission.id)}
    assert counts == {"Centre": 2, "Café": 1}
    with pytest.raises(Invalid):
        themes.split(db, broad, by_ref(items, "live-vote:71"), owner, name="Not in it")
    assert cafe.commission_id == commission.id


def test_only_an_empty_theme_can_be_deleted(db, commission, owner, items):
    theme = themes.create_theme(db, commission, owner, name="Parking")
    themes.tag(db, theme, by_ref(items, "survey-answer:2:q1"), owner)
    with pytest.raises(Conflict):
        themes.delete_theme(db, theme)
    themes.untag(db, theme, by_ref(items, "survey-answer:2:q1"))
    themes.delete_theme(db, theme)
    assert themes.themes_of(db, commission.id) == []


def test_a_picked_quote_enters_the_evidence_log_and_contact_details_are_refused(db, commission, owner, items):
    cafe = themes.create_theme(db, commission, owner, name="Café")
    themes.tag(db, cafe, by_ref(items, "survey-answer:5:q1", "survey-answer:5:q2"), owner)
    before = commission.evidence_count
    entry = themes.pick_quote(db, cafe, items["survey-answer:5:q1"].id, owner, minority=True)
    assert (entry.kind, entry.summary, entry.payload["theme"], entry.payload["minority"]) == (
        "resident_quote", "Cheaper lunches in the café", "Café", True)
    assert entry.author == owner.reference and entry.step == "initiate"
    with pytest.raises(Invalid) as exc:
        themes.pick_quote(db, cafe, items["survey-answer:5:q2"].id, owner)
    assert "phone number" in exc.value.fields["item"]
    assert commission.evidence_count == before + 1
    assert evidence.verify(db, commission).ok


def test_removing_a_source_removes_its_items_from_every_theme_count(db, commission, owner, items):
    transport = themes.create_theme(db, commission, owner, name="Transport")
    themes.tag(db, transport, by_ref(items, "survey-answer:1:q1", "survey-answer:1:q2", "survey-answer:2:q1"), owner)
    assert inputs.remove(db, prefix="survey-answer:1:") == 2
    [summary] = themes.summaries(db, commission.id)
    assert (summary.items, summary.residents) == (1, 1)
    assert db.scalar(select(func.count()).select_from(ThemeItem)) == 1
    assert inputs.search(db, commission.id, Filters(q="minibus")).total == 1  # the Q&A question only


def test_changed_text_loses_its_theme_links(db, commission, owner, items):
    from ysd_data import survey_item

    transport = themes.create_theme(db, commission, owner, name="Transport")
    themes.tag(db, transport, by_ref(items, "survey-answer:2:q1"), owner)
    inputs.index(db, commission.id, [survey_item(2, "q1", "Actually, better food", "Carers", 2)])
    assert themes.summaries(db, commission.id)[0].items == 0
    assert inputs.search(db, commission.id, Filters(q="food")).total == 1
    assert inputs.search(db, commission.id, Filters(q="wheelchairs")).total == 0


def _decision(**kw):
    from commissioning_steps.decisions import DecisionInput

    return DecisionInput(**{"title": "Saturday opening", "description": "Open on Saturdays from April",
                            "kind": "plan_item", "step": "collaborate", "decided_by": "Adult social care board",
                            "decided_on": "2026-11-20", **kw})


def test_words_a_moderator_hid_cannot_be_picked_as_a_quote(db, commission, owner, items):
    theme = themes.create_theme(db, commission, owner, name="Minibus")
    themes.tag(db, theme, by_ref(items, "live-entry:5"), owner)
    with pytest.raises(Invalid) as exc:
        themes.pick_quote(db, theme, items["live-entry:5"].id, owner)
    assert "hid this from the room" in exc.value.fields["item"]
    assert not [e for e in evidence.entries(db, commission.id) if e.kind == "resident_quote"]


def test_filter_menus_count_what_counting_every_item_by_hand_counts(db, world, owner, commission, items):
    """The menus come from one GROUP BY summed per menu; here each menu is counted by hand from
    every item, over items that split a menu's entries across the others' columns: a question
    whose text changed (two entries), areas on some items only, two steps, two activities of
    one kind, and another commission's items that must not count."""
    other = world.commission(owner, "Libraries", groups=[("Carers", 50), ("Residents", 50)])
    inputs.index(db, commission.id, [
        survey_item(6, "q1", "Later buses please", "Carers", 8, step="investigate"),
        survey_item(7, "q3", "A bench by the stop", None, 8, survey=2),
        inputs.NewItem(ref=inputs.ref(inputs.SURVEY_ANSWER, 8, "q1"), kind="free_text", activity_kind="survey",
                       activity_id=1, activity_title="Survey 1", step="initiate", text="Ramps at the door",
                       question_ref="q1", question_text="Question q1, reworded", respondent_group="Residents",
                       area="North ward", created_at=datetime(2026, 11, 9)),
        inputs.NewItem(ref=inputs.ref(inputs.EVIDENCE, 31), kind="resident_quote", activity_kind="evidence",
                       activity_id=4, activity_title="Evidence log", step="investigate", text="It was cold",
                       area="East ward", created_at=datetime(2026, 11, 9)),
        inputs.NewItem(ref=inputs.ref(inputs.EVIDENCE, 32), kind="resident_quote", activity_kind="evidence",
                       activity_id=4, activity_title="Evidence log", step="investigate", text="No toilets",
                       area="East ward", respondent_group="Carers", created_at=datetime(2026, 11, 9)),
    ])
    inputs.index(db, other.id, [
        inputs.NewItem(ref=inputs.ref(inputs.EVIDENCE, 33), kind="resident_quote", activity_kind="evidence",
                       activity_id=4, activity_title="Evidence log", step="initiate", text="Elsewhere",
                       question_ref="q1", question_text="Question q1", respondent_group="Carers", area="East ward"),
    ])
    every = db.scalars(select(inputs.InputItem).where(inputs.InputItem.commission_id == commission.id)).all()

    def by_hand(key, label=lambda k: k):
        counts = Counter(key(i) for i in every if key(i) is not None)
        return sorted((k, label(k), n) for k, n in counts.items())

    menus = inputs.facets(db, commission.id)
    activities = Counter((i.activity_kind, i.activity_id, i.activity_title) for i in every)
    assert menus["activities"] == [(f"{k}:{n}", f"{inputs.ACTIVITY_LABELS[k]}: {t}", c)
                                   for (k, n, t), c in sorted(activities.items())]
    questions = Counter((i.question_ref, i.question_text) for i in every if i.question_ref is not None)
    assert menus["questions"] == [(r, t, c) for (r, t), c in sorted(questions.items(), key=lambda e: e[0][::-1])]
    assert menus["groups"] == by_hand(lambda i: i.respondent_group)
    assert menus["areas"] == by_hand(lambda i: i.area)
    assert menus["steps"] == by_hand(lambda i: i.step)
    # what the hand count itself must show, so the comparison above compares something
    assert ("q1", "Question q1, reworded", 1) in menus["questions"] and ("q1", "Question q1", 6) in menus["questions"]
    assert menus["areas"] == [("East ward", "East ward", 2), ("North ward", "North ward", 1)]
    assert sum(n for *_, n in menus["steps"]) == len(every) == 15
