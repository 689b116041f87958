"""The "you said, we did" API: inbox, themes, decisions, answers, publishing, with its errors and
who may do what (commissioners of the commission write, its evaluators read, others see 404)."""
from __future__ import annotations

from datetime import datetime

import pytest

from commissioning_steps import inputs, progression
from commissioning_steps.commissions import Commission
from commissioning_steps.inputs import NewItem
from commissioning_steps.staff import StaffUser


def _item(n: int, text: str, group: str) -> NewItem:
    return NewItem(ref=inputs.ref(inputs.SURVEY_ANSWER, n, "q1"), kind="free_text", activity_kind="survey",
                   activity_id=1, activity_title="Spring survey", step="initiate", text=text, question_ref="q1",
                   question_text="What would you change?", respondent_key=f"survey-response:{n}",
                   respondent_group=group, about={"Which group are you in?": group},
                   created_at=datetime(2026, 11, n))


@pytest.fixture
def ctx(client, world, team, session):
    commission = session.get(Commission, team["mine"].id)
    alice = session.get(StaffUser, team["alice"].id)
    inputs.index(session, commission.id, [
        _item(1, "More buses to the centre", "Carers"), _item(2, "The bus never comes on Sunday", "Residents"),
        _item(3, "Open at weekends", "Residents"), _item(4, "Weekend opening please", "Carers"),
        _item(5, "Cheaper lunches", "Residents")])
    for step in ("initiate", "investigate"):
        progression.complete_step(session, commission, step, alice, override_reason="Evidence kept on paper for now")
    return {"alice": world.token("alice@example.org"), "eve": world.token("eve@example.org"),
            "bob": world.token("bob@example.org"), "id": commission.id, "client": client}


def _theme(ctx, name, refs=()):
    c = ctx["client"]
    theme = c.post(f"/api/v1/commissions/{ctx['id']}/themes", json={"name": name}, headers=ctx["alice"])
    assert theme.status_code == 201, theme.json
    if refs:
        tagged = c.post(f"/api/v1/themes/{theme.json['id']}/items", json={"items": list(refs)}, headers=ctx["alice"])
        assert tagged.status_code == 200, tagged.json
    return theme.json["id"]


def _decision(ctx, **kw):
    body = {"title": "Sunday buses", "description": "A Sunday service from April", "kind": "plan_item",
            "step": "collaborate", "decided_by": "Transport partnership board", "decided_on": "2026-11-20", **kw}
    return ctx["client"].post(f"/api/v1/commissions/{ctx['id']}/decisions", json=body, headers=ctx["alice"])


def test_inbox_lists_filters_searches_and_pages(ctx):
    c, url = ctx["client"], f"/api/v1/commissions/{ctx['id']}/inputs"
    everything = c.get(url, headers=ctx["eve"])  # evaluators read
    assert everything.status_code == 200
    assert everything.json["total"] == 5
    item = everything.json["items"][0]
    assert set(item) >= {"id", "text", "source", "themes", "about", "respondent_group", "hidden"}
    assert item["id"].startswith("survey-answer:") and item["source"]["activity"] == "Spring survey"
    assert c.get(url + "?q=bus", headers=ctx["alice"]).json["total"] == 2
    assert c.get(url + "?group=Carers&q=weekend", headers=ctx["alice"]).json["total"] == 1
    first = c.get(url + "?per_page=2", headers=ctx["alice"]).json
    assert len(first["items"]) == 2 and first["next"].endswith("page=2")
    assert c.get(url + "?per_page=0", headers=ctx["alice"]).status_code == 422
    bad = c.get(url + "?theme=abc&since=tomorrow", headers=ctx["alice"])
    assert bad.status_code == 422 and set(bad.json["error"]["fields"]) == {"theme", "since"}


def test_only_the_commissions_staff_see_its_inbox(ctx, client):
    url = f"/api/v1/commissions/{ctx['id']}/inputs"
    assert client.get(url, headers=ctx["bob"]).status_code == 404
    assert client.get(url).status_code == 401


def test_theme_lifecycle(ctx):
    c, alice = ctx["client"], ctx["alice"]
    buses = _theme(ctx, "Buses", ["survey-answer:1:q1", "survey-answer:2:q1"])
    got = c.get(f"/api/v1/themes/{buses}", headers=ctx["eve"]).json
    assert (got["items"], got["residents"]) == (2, 2)
    assert {g["group"] for g in got["by_group"]} == {"Carers", "Residents"}
    assert c.patch(f"/api/v1/themes/{buses}", json={"name": "Bus services", "minority": True},
                   headers=alice).json["name"] == "Bus services"
    weekends = _theme(ctx, "Weekends", ["survey-answer:3:q1", "survey-answer:4:q1"])
    split = c.post(f"/api/v1/themes/{weekends}/split", json={"items": ["survey-answer:4:q1"], "name": "Weekend hours"},
                   headers=alice)
    assert split.status_code == 201 and split.json["items"] == 1
    merged = c.post(f"/api/v1/themes/{split.json['id']}/merge", json={"into": weekends}, headers=alice)
    assert merged.status_code == 200 and merged.json["items"] == 2
    assert c.get(f"/api/v1/themes/{split.json['id']}", headers=alice).json["merged_into"] == weekends
    quote = c.post(f"/api/v1/themes/{weekends}/quotes", json={"item": "survey-answer:3:q1"}, headers=alice)
    assert quote.status_code == 201 and quote.json["quotes"][0]["text"] == "Open at weekends"
    entry = c.get(quote.headers["Location"], headers=alice).json
    assert entry["kind"] == "resident_quote"
    removed = c.delete(f"/api/v1/themes/{buses}/items", json={"items": ["survey-answer:1:q1", "survey-answer:2:q1"]},
                       headers=alice)
    assert removed.json["items"] == 0
    assert c.delete(f"/api/v1/themes/{buses}", headers=alice).status_code == 204
    assert c.get(f"/api/v1/themes/{buses}", headers=alice).status_code == 404
    listing = c.get(f"/api/v1/commissions/{ctx['id']}/themes", headers=alice).json["themes"]
    assert [t["name"] for t in listing] == ["Weekends"]


def test_theme_errors(ctx):
    c, alice = ctx["client"], ctx["alice"]
    theme = _theme(ctx, "Buses")
    assert c.post(f"/api/v1/commissions/{ctx['id']}/themes", json={"name": "buses"}, headers=alice).status_code == 409
    assert c.post(f"/api/v1/commissions/{ctx['id']}/themes", json={"name": "X", "colour": "red"},
                  headers=alice).status_code == 422
    assert c.post(f"/api/v1/themes/{theme}/items", json={"items": ["survey-answer:99:q1"]},
                  headers=alice).status_code == 422
    assert c.post(f"/api/v1/themes/{theme}/items", json={"items": "survey-answer:1:q1"}, headers=alice).status_code == 422
    assert c.post(f"/api/v1/themes/{theme}/merge", json={"into": theme}, headers=alice).status_code == 422
    assert c.post(f"/api/v1/themes/{theme}/merge", json={"into": 987654}, headers=alice).status_code == 404
    full = _theme(ctx, "Full", ["survey-answer:5:q1"])
    assert c.delete(f"/api/v1/themes/{full}", headers=alice).status_code == 409
    assert c.post(f"/api/v1/themes/{theme}", json={}, headers=alice).status_code == 405
    assert c.post(f"/api/v1/themes/{theme}/items", data="{", content_type="application/json",
                  headers=alice).status_code == 400


def test_evaluators_read_but_write_nothing_and_others_see_nothing(ctx):
    c = ctx["client"]
    theme = _theme(ctx, "Buses", ["survey-answer:1:q1"])
    assert c.post(f"/api/v1/commissions/{ctx['id']}/themes", json={"name": "Mine"}, headers=ctx["eve"]).status_code == 403
    assert c.patch(f"/api/v1/themes/{theme}", json={"name": "Mine"}, headers=ctx["eve"]).status_code == 403
    assert c.post(f"/api/v1/themes/{theme}/response", json={"not_taken_up": "Because we can't"},
                  headers=ctx["eve"]).status_code == 403
    assert _decision(ctx, themes=[theme]).status_code == 201
    assert c.get(f"/api/v1/commissions/{ctx['id']}/decisions", headers=ctx["eve"]).status_code == 200
    for path in (f"/api/v1/themes/{theme}", f"/api/v1/commissions/{ctx['id']}/themes",
                 f"/api/v1/commissions/{ctx['id']}/decisions"):
        assert c.get(path, headers=ctx["bob"]).status_code == 404
    assert c.post(f"/api/v1/commissions/{ctx['id']}/you-said-we-did/publish", json={},
                  headers=ctx["eve"]).status_code == 403


def test_decisions_link_themes_change_status_and_answer_themes(ctx):
    c, alice = ctx["client"], ctx["alice"]
    buses = _theme(ctx, "Buses", ["survey-answer:1:q1", "survey-answer:2:q1"])
    weekends = _theme(ctx, "Weekends", ["survey-answer:3:q1", "survey-answer:4:q1"])
    lunches = _theme(ctx, "Lunches", ["survey-answer:5:q1"])
    made = _decision(ctx, themes=[buses, weekends])
    assert made.status_code == 201, made.json
    body = made.json
    assert body["themes"] == sorted([buses, weekends]) and body["figures"]["residents"] == 4
    assert body["status"] == "proposed" and [h["status"] for h in body["history"]] == ["proposed"]
    changed = c.patch(f"/api/v1/decisions/{body['id']}", json={"status": "agreed", "takes_effect_on": "2027-04-01"},
                      headers=alice)
    assert changed.json["status"] == "agreed" and changed.json["takes_effect_on"] == "2027-04-01"
    assert c.patch(f"/api/v1/decisions/{body['id']}", json={"status": "done"}, headers=alice).status_code == 422
    not_taken = c.post(f"/api/v1/themes/{lunches}/response", json={"not_taken_up": "The café is run by a charity"},
                       headers=alice)
    assert not_taken.json["response"] == {"decisions": [], "not_taken_up": "The café is run by a charity",
                                          "answered": True}
    assert c.post(f"/api/v1/themes/{lunches}/response", json={}, headers=alice).status_code == 422
    facet = _decision(ctx, kind="solution_facet")
    assert facet.status_code == 422 and "step" in facet.json["error"]["fields"]
    unattributed = _decision(ctx, title="Fire doors", not_attributable_reason="Required by a fire safety inspection")
    assert unattributed.status_code == 201 and unattributed.json["themes"] == []
    items = _decision(ctx, title="Lunch prices", items=["survey-answer:5:q1"])
    assert items.json["items"] == ["survey-answer:5:q1"]
    assert c.get("/api/v1/decisions/99999", headers=alice).status_code == 404


def test_publishing_the_public_page(ctx, client):
    url = f"/api/v1/commissions/{ctx['id']}/you-said-we-did"
    assert client.get(url).status_code == 404  # nothing published yet
    buses = _theme(ctx, "Buses", ["survey-answer:1:q1", "survey-answer:2:q1"])
    ctx["client"].post(f"/api/v1/themes/{buses}/quotes", json={"item": "survey-answer:2:q1"}, headers=ctx["alice"])
    _decision(ctx, themes=[buses])
    published = client.post(url + "/publish", json={}, headers=ctx["alice"])
    assert published.status_code == 201 and published.json["version"] == 1
    public = client.get(url)
    assert public.status_code == 200
    body = public.json
    assert body["said"][0]["name"] == "Buses" and body["said"][0]["quotes"][0]["text"] == "The bus never comes on Sunday"
    assert body["did"][0]["title"] == "Sunday buses" and body["did"][0]["themes"] == ["Buses"]
    # nothing personal and no resident's words but the picked quote
    text = public.get_data(as_text=True)
    for private in ("More buses to the centre", "survey-response:", "respondent_key", "alice"):
        assert private not in text
    _theme(ctx, "Weekends")
    assert client.get(url).json["version"] == 1  # the public sees what was published, not work in progress
    assert client.post(url + "/publish", json={}, headers=ctx["alice"]).json["version"] == 2
    assert [t["name"] for t in client.get(url).json["said"]] == ["Buses", "Weekends"]
