"""The "you said, we did" pages: the input inbox (filters, bulk tagging), themes (create, change,
quotes, split, untag, merge, delete, answers, counts as a chart and a table), decisions (form with
GOV.UK date inputs, status history, links), publishing, and the public page. Who may do what:
anonymous visitors are sent to sign in, other commissions' staff get 404, evaluators read
everything and see no write form, and their posts are refused (403)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from commissioning_steps import decisions, evidence, inputs, progression, themes
from commissioning_steps.commissions import Commission
from commissioning_steps.decisions import Decision
from commissioning_steps.inputs import InputItem, NewItem
from commissioning_steps.staff import StaffUser
from commissioning_steps.themes import Theme
from surveys import lifecycle, responses

ANSWERS = [
    ("The bus never comes on Sunday", "Carers"),
    ("More buses to the day centre please", "Residents"),
    ("Open the centre at weekends", "Residents"),
    ("Weekend opening would let me work", "Carers"),
    ("Cheaper lunches in the café", "Residents"),
]


def html(response) -> str:
    return response.get_data(as_text=True)


def path(location: str) -> str:
    return re.sub(r"^https?://[^/]+", "", location)


@pytest.fixture
def ysd(app, world, team, session):
    """Team's commission at Collaborate, with a survey's free text from five residents (indexed by
    the real service) and one live-poll question a moderator hid."""
    commission = session.get(Commission, team["mine"].id)
    alice = session.get(StaffUser, team["alice"].id)
    survey = lifecycle.create_survey(session, commission, alice, lifecycle.SurveyInput(
        title="Spring survey", step="initiate", items=[
            {"id": "ideas", "type": "free_text", "text": "What would you change?"},
            {"id": "group", "type": "about_you", "category": "respondent_group", "text": "Which are you?",
             "why": "To check we hear from everyone", "options": ["Carers", "Residents"]}]))
    lifecycle.open_survey(session, survey)
    secret = app.config["SECRET_KEY"].encode()
    receipts = []
    for text, group in ANSWERS:
        _, receipt, _ = responses.submit(session, survey, {"ideas": text, "group": group}, secret=secret)
        receipts.append(receipt)
    inputs.index(session, commission.id, [NewItem(
        ref=inputs.ref(inputs.LIVE_ENTRY, 901), kind="qa", activity_kind="live_session", activity_id=77,
        activity_title="Market day poll", step="initiate", text="Who pays for the minibus?", question_ref="77",
        question_text="Questions for the panel", respondent_key="live:77:" + "a" * 24, hidden=True)])
    for step in ("initiate", "investigate"):
        progression.complete_step(session, commission, step, alice, override_reason="Evidence is kept on paper here")
    refs = {text: ref for text, ref in session.execute(select(InputItem.text, InputItem.ref))}
    ids = {text: i for text, i in session.execute(select(InputItem.text, InputItem.id))}
    made = {"id": commission.id, "survey": survey.id, "receipts": receipts, "refs": refs, "ids": ids,
            "other": team["theirs"].id}
    session.rollback()  # end the read, so the write lock is free for the tests
    return made


@pytest.fixture
def alice_browser(app, world, ysd):
    browser = app.test_client()
    assert world.sign_in(browser, "alice@example.org").status_code == 302
    return browser


@pytest.fixture
def eve_browser(app, world, ysd):
    browser = app.test_client()
    assert world.sign_in(browser, "eve@example.org").status_code == 302
    return browser


def _theme(store, commission_id: int, name: str, texts=(), ids=None) -> int:
    with store.session(write=True) as s:
        commission = s.get(Commission, commission_id)
        alice = s.scalar(select(StaffUser).where(StaffUser.email == "alice@example.org"))
        theme = themes.create_theme(s, commission, alice, name=name)
        if texts:
            themes.tag(s, theme, [ids[t] for t in texts], alice)
        return theme.id


def _get(store, model, ident):
    with store.session() as s:
        row = s.get(model, ident)
        if row is not None:
            s.expunge(row)
        return row


def staff_pages(ysd, theme_id, decision_id):
    base = f"/commissions/{ysd['id']}"
    return [base + "/inputs", base + "/themes", f"{base}/themes/{theme_id}", base + "/decisions",
            f"{base}/decisions/{decision_id}", base + "/you-said-we-did/publish"]


@pytest.fixture
def decided(store, ysd):
    """A theme and a decision shaped by it."""
    theme_id = _theme(store, ysd["id"], "Buses", ["The bus never comes on Sunday"], ysd["ids"])
    with store.session(write=True) as s:
        commission = s.get(Commission, ysd["id"])
        alice = s.scalar(select(StaffUser).where(StaffUser.email == "alice@example.org"))
        decision = decisions.record_decision(s, commission, alice, decisions.DecisionInput(
            title="Sunday buses", description="A Sunday bus to the centre from April", kind="plan_item",
            step="collaborate", decided_by="Transport partnership board", decided_on="2026-11-20"), themes=[theme_id])
        return theme_id, decision.id


# -- who may see and do what -------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, ysd, decided):
    for url in staff_pages(ysd, *decided) + [f"/commissions/{ysd['id']}/decisions/new"]:
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], url
    assert client.post(f"/commissions/{ysd['id']}/you-said-we-did/publish").status_code == 302


def test_other_commissions_staff_get_not_found(app, world, ysd, decided):
    bob = app.test_client()
    world.sign_in(bob, "bob@example.org")
    theme_id, decision_id = decided
    for url in staff_pages(ysd, theme_id, decision_id):
        assert bob.get(url).status_code == 404, url
    assert bob.post(f"/commissions/{ysd['id']}/themes", data={"name": "Mine now"}).status_code == 404
    # a theme or decision of another commission is not found under this one's address either
    alice_other = _theme(app.extensions["engage.db"], ysd["other"], "Elsewhere")
    alice = app.test_client()
    world.sign_in(alice, "alice@example.org")
    assert alice.get(f"/commissions/{ysd['id']}/themes/{alice_other}").status_code == 404
    assert alice.get(f"/commissions/{ysd['id']}/decisions/987654").status_code == 404


def test_evaluators_read_everything_and_see_no_write_form(eve_browser, ysd, decided):
    theme_id, decision_id = decided
    for url in staff_pages(ysd, theme_id, decision_id):
        response = eve_browser.get(url)
        assert response.status_code == 200, url
        page = html(response)
        posts = [a for a in re.findall(r'<form method="post" action="([^"]+)"', page) if a.startswith("/commissions/")]
        assert posts == [], (url, posts)
        assert "Only its commissioners can change it" in page
    inbox = html(eve_browser.get(f"/commissions/{ysd['id']}/inputs"))
    assert "The bus never comes on Sunday" in inbox and 'type="checkbox"' not in inbox


def test_evaluators_posts_are_refused(eve_browser, ysd, decided):
    theme_id, decision_id = decided
    base = f"/commissions/{ysd['id']}"
    for url, data in [
        (base + "/themes", {"name": "Eve's"}), (base + "/inputs/themes", {"new_theme": "Eve's"}),
        (base + "/inputs/tag", {"tag_theme": theme_id, "scope": "all"}),
        (f"{base}/themes/{theme_id}/edit", {"name": "Renamed"}),
        (f"{base}/themes/{theme_id}/items", {"items": "1", "action": "untag"}),
        (f"{base}/themes/{theme_id}/response", {"answer": "not_taken_up", "not_taken_up": "Because we said so"}),
        (f"{base}/themes/{theme_id}/delete", {}), (f"{base}/themes/{theme_id}/merge", {"into": theme_id}),
        (f"{base}/decisions/{decision_id}", {"status": "agreed"}), (base + "/you-said-we-did/publish", {}),
    ]:
        assert eve_browser.post(url, data=data).status_code == 403, url
    assert eve_browser.get(base + "/decisions/new").status_code == 403


def test_forms_need_their_csrf_token(database_url, world, team):
    from engage import create_app

    app = create_app({"DATABASE_URL": database_url, "WTF_CSRF_ENABLED": True})
    try:
        browser = app.test_client()
        sign_in = html(browser.get("/sign-in"))
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', sign_in).group(1)
        browser.post("/sign-in", data={"email": "alice@example.org", "password": "correct horse battery staple",
                                       "csrf_token": token})
        themes_page = html(browser.get(f"/commissions/{team['mine'].id}/themes"))
        assert 'name="csrf_token"' in themes_page
        refused = browser.post(f"/commissions/{team['mine'].id}/themes", data={"name": "Buses"})
        assert refused.status_code == 400
        token = re.search(r'name="csrf_token" value="([^"]+)"', themes_page).group(1)
        assert browser.post(f"/commissions/{team['mine'].id}/themes",
                            data={"name": "Buses", "csrf_token": token}).status_code == 302
    finally:
        app.extensions["engage.db"].engine.dispose()


# -- the inbox ------------------------------------------------------------------------------------


def test_the_inbox_lists_filters_and_shows_where_each_item_came_from(alice_browser, ysd, store):
    url = f"/commissions/{ysd['id']}/inputs"
    page = html(alice_browser.get(url))
    assert "6 items" in page
    assert "Spring survey" in page and "What would you change?" in page and "Initiate" in page
    assert "About them: Which are you? Carers" in page
    assert "Hidden in the live poll" in page and "Who pays for the minibus?" in page
    assert "No theme yet" in page
    carers = html(alice_browser.get(url + "?group=Carers"))
    assert "2 items match the filters" in carers and "Cheaper lunches" not in carers
    searched = html(alice_browser.get(url + "?q=weekend"))
    assert "2 items match" in searched and "Open the centre at weekends" in searched
    assert "Cheaper lunches" not in searched and "1 item matches" in html(alice_browser.get(url + "?q=lunch"))
    theme_id = _theme(store, ysd["id"], "Lunches", ["Cheaper lunches in the café"], ysd["ids"])
    untagged = html(alice_browser.get(url + "?theme=none"))
    assert "5 items match" in untagged and "Cheaper lunches" not in untagged
    tagged = html(alice_browser.get(url + f"?theme={theme_id}"))
    assert "1 item matches" in tagged and ">Lunches</a>" in tagged


def test_inbox_filter_errors_are_shown_together_in_the_error_summary(alice_browser, ysd):
    url = f"/commissions/{ysd['id']}/inputs?since-day=31&since-month=2&since-year=2026&until-day=1&theme=abc"
    response = alice_browser.get(url)
    assert response.status_code == 422
    page = html(response)
    summary = page[page.index("govuk-error-summary"):page.index("</ul>", page.index("govuk-error-summary"))]
    assert 'href="#since-day"' in summary and 'href="#until-day"' in summary and 'href="#theme"' in summary
    assert "must be a real date" in summary and "must include a month and year" in summary
    assert "<title>Error:" in page


def test_inbox_pages(alice_browser, ysd, store):
    with store.session(write=True) as s:
        inputs.index(s, ysd["id"], [NewItem(
            ref=inputs.ref(inputs.LIVE_VOTE, 1000 + n), kind="word_cloud", activity_kind="live_session",
            activity_id=77, activity_title="Market day poll", step="initiate", text=f"phrase {n}")
            for n in range(60)])
    first = html(alice_browser.get(f"/commissions/{ysd['id']}/inputs"))
    assert "Items 1 to 50 of 66" in first and "page=2" in first and "Page 1 of 2" in first
    second = html(alice_browser.get(f"/commissions/{ysd['id']}/inputs?page=2"))
    assert "Items 51 to 66 of 66" in second


def test_tag_the_chosen_items_and_all_matching_items(alice_browser, ysd, store):
    base = f"/commissions/{ysd['id']}"
    created = alice_browser.post(base + "/inputs/themes", data={"new_theme": "Weekends", "q": "weekend"})
    assert created.status_code == 302 and "q=weekend" in created.headers["Location"]
    with store.session() as s:
        weekends = s.scalar(select(Theme).where(Theme.name == "Weekends")).id
    chosen = alice_browser.post(base + "/inputs/tag", data={
        "tag_theme": weekends, "scope": "chosen", "items": [ysd["ids"]["Open the centre at weekends"]], "q": "weekend"})
    assert chosen.status_code == 302
    assert "1 item tagged with “Weekends”" in html(alice_browser.get(path(chosen.headers["Location"])))
    buses = _theme(store, ysd["id"], "Buses")
    everything = alice_browser.post(base + "/inputs/tag", data={"tag_theme": buses, "scope": "all", "q": "bus"})
    assert everything.status_code == 302 and "q=bus" in everything.headers["Location"]
    with store.session() as s:
        summaries = {x.theme.name: x for x in themes.summaries(s, ysd["id"])}
    assert (summaries["Buses"].items, summaries["Weekends"].items) == (2, 1)
    # "no theme yet" narrows to what is left; tagging all of those in bulk reaches every one
    rest = _theme(store, ysd["id"], "Everything else")
    alice_browser.post(base + "/inputs/tag", data={"tag_theme": rest, "scope": "all", "theme": "none"})
    with store.session() as s:
        assert inputs.search(s, ysd["id"], inputs.Filters(theme="none")).total == 0


def test_tagging_errors_are_shown_in_the_error_summary(alice_browser, ysd, store):
    base = f"/commissions/{ysd['id']}"
    response = alice_browser.post(base + "/inputs/tag", data={"scope": "chosen"})
    assert response.status_code == 422
    page = html(response)
    assert "Choose the theme to tag the items with" in page and 'href="#tag-theme"' in page
    assert "Choose at least one item to tag" in page and "govuk-form-group--error" in page
    theme_id = _theme(store, ysd["id"], "Buses")
    none_match = alice_browser.post(base + "/inputs/tag", data={"tag_theme": theme_id, "scope": "all", "q": "zebra"})
    assert none_match.status_code == 422 and "No items match the filters" in html(none_match)
    chosen_kept = alice_browser.post(base + "/inputs/tag", data={"scope": "chosen", "items": [ysd["ids"]["Open the centre at weekends"]]})
    assert re.search(r'value="%d"[^>]*checked' % ysd["ids"]["Open the centre at weekends"], html(chosen_kept))
    duplicate = alice_browser.post(base + "/inputs/themes", data={"new_theme": "buses"})
    assert duplicate.status_code == 422 and 'href="#new_theme"' in html(duplicate)


# -- themes -----------------------------------------------------------------------------------------


def test_create_change_and_count_a_theme(alice_browser, ysd, store):
    base = f"/commissions/{ysd['id']}"
    blank = alice_browser.post(base + "/themes", data={"name": " "})
    assert blank.status_code == 422 and "Enter a name for the theme" in html(blank) and 'href="#name"' in html(blank)
    made = alice_browser.post(base + "/themes", data={"name": "Buses", "description": "Getting there", "minority": "yes"})
    assert made.status_code == 302
    theme_url = path(made.headers["Location"])
    theme_id = int(theme_url.rsplit("/", 1)[1])
    with store.session(write=True) as s:
        alice = s.scalar(select(StaffUser).where(StaffUser.email == "alice@example.org"))
        themes.tag(s, s.get(Theme, theme_id), [ysd["ids"]["The bus never comes on Sunday"],
                                               ysd["ids"]["More buses to the day centre please"],
                                               ysd["ids"]["Who pays for the minibus?"]], alice)
    page = html(alice_browser.get(theme_url))
    assert "3 items from 3 residents" in page and "Minority or dissenting view" in page
    # counts per respondent group and per activity: an SVG bar chart with a table alternative
    assert page.count('<svg class="engage-chart__svg"') == 2 and 'aria-hidden="true"' in page
    assert "Respondent group</th>" in page and "Activity</th>" in page
    for label in ("Carers", "Residents", "Not said", "Spring survey", "Market day poll"):
        assert f">{label}</th>" in page, label
    renamed = alice_browser.post(theme_url + "/edit", data={"name": "Bus services", "description": ""})
    assert renamed.status_code == 302
    assert _get(store, Theme, theme_id).name == "Bus services" and not _get(store, Theme, theme_id).minority
    assert alice_browser.post(theme_url + "/edit", data={"name": ""}).status_code == 422
    listing = html(alice_browser.get(base + "/themes"))
    assert "Bus services" in listing and "Not answered yet" in listing


def test_pick_quotes_refusing_contact_details_and_hidden_words(alice_browser, ysd, store):
    with store.session(write=True) as s:
        inputs.index(s, ysd["id"], [NewItem(
            ref=inputs.ref(inputs.LIVE_VOTE, 555), kind="open_text", activity_kind="live_session", activity_id=77,
            activity_title="Market day poll", step="initiate", text="Ring me on 07700 900123 about buses")])
        phone = s.scalar(select(InputItem.id).where(InputItem.ref == "live-vote:555"))
    ids = {**ysd["ids"], "phone": phone}
    theme_id = _theme(store, ysd["id"], "Buses", ["The bus never comes on Sunday", "More buses to the day centre please",
                                                 "Who pays for the minibus?", "phone"], ids)
    url = f"/commissions/{ysd['id']}/themes/{theme_id}"
    picked = alice_browser.post(url + "/items", data={"quote": ids["The bus never comes on Sunday"]})
    assert picked.status_code == 302
    minority = alice_browser.post(url + "/items", data={"minority_quote": ids["More buses to the day centre please"]})
    assert minority.status_code == 302
    page = html(alice_browser.get(url))
    quotes = page[page.index('id="quotes"'):page.index('id="items-section"')]
    assert "The bus never comes on Sunday" in quotes and "More buses to the day centre please" in quotes
    assert quotes.count("Minority or dissenting view") == 1
    refused = alice_browser.post(url + "/items", data={"quote": phone})
    assert refused.status_code == 422
    assert "email address or phone number" in html(refused) and f'href="#quote-{phone}"' in html(refused)
    hidden = alice_browser.post(url + "/items", data={"quote": ids["Who pays for the minibus?"]})
    assert hidden.status_code == 422 and "hid this from the room" in html(hidden)
    with store.session() as s:
        assert [e.summary for e in evidence.entries(s, ysd["id"]) if e.kind == "resident_quote"] == [
            "The bus never comes on Sunday", "More buses to the day centre please"]
    unpicked = alice_browser.post(url + "/quotes/remove", data={"item": ids["The bus never comes on Sunday"]})
    assert unpicked.status_code == 302
    page = html(alice_browser.get(url))
    quotes = page[page.index('id="quotes"'):page.index('id="items-section"')]
    assert "The bus never comes on Sunday" not in quotes


def test_split_untag_merge_and_delete(alice_browser, ysd, store):
    ids = ysd["ids"]
    theme_id = _theme(store, ysd["id"], "Buses and weekends", ["The bus never comes on Sunday",
                                                              "Open the centre at weekends",
                                                              "Weekend opening would let me work"], ids)
    url = f"/commissions/{ysd['id']}/themes/{theme_id}"
    nameless = alice_browser.post(url + "/items", data={"action": "split", "items": [ids["Open the centre at weekends"]]})
    assert nameless.status_code == 422 and 'href="#new_name"' in html(nameless)
    nothing = alice_browser.post(url + "/items", data={"action": "untag"})
    assert nothing.status_code == 422 and "Choose at least one item" in html(nothing)
    split = alice_browser.post(url + "/items", data={"action": "split", "new_name": "Weekends", "items": [
        ids["Open the centre at weekends"], ids["Weekend opening would let me work"]]})
    assert split.status_code == 302
    weekends = int(path(split.headers["Location"]).rsplit("/", 1)[1])
    assert "2 items" in html(alice_browser.get(path(split.headers["Location"])))
    untag = alice_browser.post(f"/commissions/{ysd['id']}/themes/{weekends}/items",
                               data={"action": "untag", "items": [ids["Weekend opening would let me work"]]})
    assert untag.status_code == 302
    merged = alice_browser.post(f"/commissions/{ysd['id']}/themes/{weekends}/merge", data={"into": theme_id})
    assert merged.status_code == 302 and path(merged.headers["Location"]) == url
    assert "was merged into" in html(alice_browser.get(f"/commissions/{ysd['id']}/themes/{weekends}"))
    assert alice_browser.post(url + "/merge", data={}).status_code == 422
    assert alice_browser.post(url + "/delete").status_code == 409  # it still holds items
    empty = _theme(store, ysd["id"], "Empty")
    assert "Delete this theme" in html(alice_browser.get(f"/commissions/{ysd['id']}/themes/{empty}"))
    assert alice_browser.post(f"/commissions/{ysd['id']}/themes/{empty}/delete").status_code == 302
    assert _get(store, Theme, empty) is None


def test_answer_a_theme_with_decisions_or_not_taken_up(alice_browser, ysd, store, decided):
    theme_id, decision_id = decided
    lunches = _theme(store, ysd["id"], "Lunches", ["Cheaper lunches in the café"], ysd["ids"])
    url = f"/commissions/{ysd['id']}/themes/{lunches}"
    short = alice_browser.post(url + "/response", data={"answer": "not_taken_up", "not_taken_up": "No"})
    assert short.status_code == 422 and 'href="#not_taken_up"' in html(short)
    assert alice_browser.post(url + "/response", data={"answer": "not_taken_up",
                                                      "not_taken_up": "The café is run by a charity"}).status_code == 302
    assert "Not taken up." in html(alice_browser.get(url))
    none_chosen = alice_browser.post(url + "/response", data={"answer": "decisions"})
    assert none_chosen.status_code == 422 and 'href="#decisions"' in html(none_chosen)
    weekends = _theme(store, ysd["id"], "Weekends", ["Open the centre at weekends"], ysd["ids"])
    linked = alice_browser.post(f"/commissions/{ysd['id']}/themes/{weekends}/response",
                                data={"answer": "decisions", "decisions": [decision_id]})
    assert linked.status_code == 302
    with store.session() as s:
        assert decisions.links(s, [decision_id])[decision_id]["themes"] == sorted([theme_id, weekends])
    assert "Sunday buses" in html(alice_browser.get(f"/commissions/{ysd['id']}/themes/{weekends}"))


# -- decisions -----------------------------------------------------------------------------------


def test_the_decision_form_shows_every_error_at_once(alice_browser, ysd):
    response = alice_browser.post(f"/commissions/{ysd['id']}/decisions/new", data={
        "decided_on-day": "31", "decided_on-month": "2", "decided_on-year": "2026", "takes_effect_on-day": "1"})
    assert response.status_code == 422
    page = html(response)
    for anchor in ("#title", "#description", "#kind", "#decided_by", "#decided_on-day",
                   "#takes_effect_on-day"):
        assert f'href="{anchor}"' in page, anchor
    assert "The date it was decided must be a real date" in page
    assert "The date it takes effect must include a month and year" in page
    assert 'value="31"' in page  # what was typed is kept
    with_dates_ok_but_nothing_else = alice_browser.post(f"/commissions/{ysd['id']}/decisions/new", data={
        "decided_on-day": "20", "decided_on-month": "11", "decided_on-year": "2026", "takes_effect_on-day": "x",
        "takes_effect_on-month": "4", "takes_effect_on-year": "2027", "title": "T", "description": "D",
        "kind": "decision", "step": "initiate", "decided_by": "Board",
        "not_attributable_reason": "Required by law anyway"})
    assert with_dates_ok_but_nothing_else.status_code == 422  # a bad date saves nothing
    with alice_browser.application.extensions["engage.db"].session() as s:
        assert s.scalar(select(Decision.id)) is None


def test_record_a_decision_linked_to_two_themes_and_change_its_status(alice_browser, ysd, store):
    buses = _theme(store, ysd["id"], "Buses", ["The bus never comes on Sunday"], ysd["ids"])
    weekends = _theme(store, ysd["id"], "Weekends", ["Open the centre at weekends"], ysd["ids"])
    base = f"/commissions/{ysd['id']}"
    form = html(alice_browser.get(base + f"/decisions/new?theme={buses}"))
    assert re.search(r'value="%d" checked' % buses, form) and 'value="collaborate"' in form
    assert 'value="activate"' not in form  # only steps that are active or complete
    made = alice_browser.post(base + "/decisions/new", data={
        "title": "Weekend buses", "description": "Buses run to the centre on Saturdays and Sundays",
        "kind": "plan_item", "step": "collaborate", "decided_by": "Transport partnership board",
        "decided_on-day": "20", "decided_on-month": "11", "decided_on-year": "2026",
        "takes_effect_on-day": "1", "takes_effect_on-month": "4", "takes_effect_on-year": "2027",
        "status": "agreed", "themes": [buses, weekends],
        "items": ysd["refs"]["Cheaper lunches in the café"]})
    assert made.status_code == 302, html(made)
    url = path(made.headers["Location"])
    page = html(alice_browser.get(url))
    assert "Weekend buses" in page and "1 April 2027" in page and "20 November 2026" in page
    assert "3 residents, 3 items" in page and "Cheaper lunches in the café" in page
    changed = alice_browser.post(url, data={"status": "in_place", "themes": [buses, weekends],
                                            "items": ysd["refs"]["Cheaper lunches in the café"],
                                            "takes_effect_on-day": "1", "takes_effect_on-month": "5",
                                            "takes_effect_on-year": "2027"})
    assert changed.status_code == 302
    page = html(alice_browser.get(url))
    history = page[page.index("Status history"):]
    assert history.index("Agreed") < history.index("In place") and "1 May 2027" in page
    unlinked = alice_browser.post(url, data={"status": "in_place"})
    assert unlinked.status_code == 422 and "not attributable" in html(unlinked)
    reason = alice_browser.post(url, data={"status": "in_place", "not_attributable_reason": "Required by the new law"})
    assert reason.status_code == 302
    assert "Not attributable to residents" in html(alice_browser.get(base + "/decisions"))
    with store.session() as s:
        kinds = [e.kind for e in evidence.entries(s, ysd["id"])]
    assert kinds.count("decision") == 1 and kinds.count("decision_update") == 2


# -- publishing and the public page ---------------------------------------------------------------


def test_publish_then_the_public_page_shows_it_all_and_nothing_personal(alice_browser, client, ysd, store, decided):
    theme_id, decision_id = decided
    base = f"/commissions/{ysd['id']}"
    assert client.get(base + "/you-said-we-did").status_code == 404
    lunches = _theme(store, ysd["id"], "Lunches", ["Cheaper lunches in the café"], ysd["ids"])
    alice_browser.post(f"{base}/themes/{theme_id}/items", data={"quote": ysd["ids"]["The bus never comes on Sunday"]})
    page = html(alice_browser.get(base + "/you-said-we-did/publish"))
    assert "Not answered yet" in page and "Lunches" in page[page.index('id="unanswered"'):]
    alice_browser.post(f"{base}/themes/{lunches}/response", data={"answer": "not_taken_up",
                                                                 "not_taken_up": "The café is run by a charity"})
    published = alice_browser.post(base + "/you-said-we-did/publish")
    assert published.status_code == 302
    assert "Every theme has an answer" in html(alice_browser.get(base + "/you-said-we-did/publish"))
    public = client.get(base + "/you-said-we-did")
    assert public.status_code == 200
    page = html(public)
    for shown in ("We asked, you said, we did", "Spring survey", "5 people took part", "Buses",
                  "“The bus never comes on Sunday”", "Sunday buses", "Transport partnership board",
                  "20 November 2026", "Proposed", "Lunches", "The café is run by a charity",
                  "People taking part, by activity"):
        assert shown in page, shown
    for private in ("More buses to the day centre please", "Open the centre at weekends", "Cheaper lunches in the café",
                    "survey-response:", "survey-answer:", "Alice", "alice@example.org", "Who pays for the minibus?"):
        assert private not in page, private
    assert "evaluation report" not in page  # nothing is signed off yet


def test_the_public_page_names_under_represented_groups(alice_browser, client, ysd):
    alice_browser.post(f"/commissions/{ysd['id']}/you-said-we-did/publish")
    page = html(client.get(f"/commissions/{ysd['id']}/you-said-we-did"))
    # Carers 2 of 5 (40%, target 30%), Residents 3 of 5 (60%, target 60%): nobody under-represented
    assert "Every group we serve was heard from" in page


def test_commission_page_links_to_the_inbox(alice_browser, ysd):
    page = html(alice_browser.get(f"/commissions/{ysd['id']}"))
    assert f'href="/commissions/{ysd["id"]}/inputs"' in page
