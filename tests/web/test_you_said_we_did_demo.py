"""The demo data shows the whole "you said, we did" loop: input indexed from a survey and a live
poll, themes with quotes, decisions linked to them, a theme not taken up, a published page."""
from __future__ import annotations

from sqlalchemy import select

from commissioning_steps import inputs, themes
from commissioning_steps.commissions import Commission

DEMO_PASSWORD = "demo-password-for-tests-42"


def test_the_demo_commission_goes_round_the_loop(app, client, monkeypatch):
    monkeypatch.setenv("ENGAGE_DEMO_PASSWORD", DEMO_PASSWORD)
    app.config["LOAD_DEMO_DATA"] = True
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    with app.extensions["engage.db"].session() as s:
        commission = s.scalar(select(Commission).where(Commission.title.like("Getting to day services%")))
        kinds = {i.activity_kind for i in inputs.search(s, commission.id, per_page=200).items}
        assert kinds == {"survey", "live_session"}  # indexed by the services that stored them
        summaries = themes.summaries(s, commission.id)
        assert all(x.answered for x in summaries) and all(x.quotes for x in summaries)
        assert [x.theme.name for x in summaries if x.theme.not_taken_up_reason] == ["More parking at the centre"]
        commission_id = commission.id
    public = client.get(f"/api/v1/commissions/{commission_id}/you-said-we-did").json
    assert public["version"] == 1 and public["unanswered_themes"] == []
    assert {d["title"] for d in public["did"]} >= {"Travel buddies and Saturday outings"}
    buddies = [d for d in public["did"] if d["title"] == "Travel buddies and Saturday outings"][0]
    assert set(buddies["themes"]) == {"Learning to travel independently", "Something to do at weekends"}
    assert client.get(f"/commissions/{commission_id}/you-said-we-did").status_code == 200
