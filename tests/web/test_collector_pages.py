"""Residents who collect data, over HTTP: commissioners invite collectors (code shown once, labels
pseudonymous), collectors record responses (marked as theirs) and observations with photos on
their link, staff see counts per collector and photos with safe headers, withdrawing stops a link
at once, closing records the counts as evidence; the same on the API, with roles and commissions
checked throughout."""
from __future__ import annotations

import hashlib
import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from commissioning_steps.evidence import EvidenceEntry
from surveys.models import CollectorObservation, SurveyCollector, SurveyResponse

QUESTIONS = [{"id": "easy", "type": "yes_no_maybe", "text": "Is it easy to get around?", "required": True}]


def _html(response) -> str:
    return response.get_data(as_text=True)


def _path(location: str) -> str:
    return re.sub(r"^https?://[^/]+", "", location)


@pytest.fixture
def token(world, team):
    return world.token("alice@example.org")


@pytest.fixture
def staff(app, world, team):
    client = app.test_client()
    world.sign_in(client, "alice@example.org")
    return client


@pytest.fixture
def survey(app, team, token):
    client = app.test_client()
    created = client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=token,
                          json={"title": "Street survey", "step": "initiate", "questions": QUESTIONS})
    assert created.status_code == 201, created.json
    assert client.post(f"/api/v1/surveys/{created.json['id']}/open", headers=token).status_code == 200
    return {"id": created.json["id"], "slug": created.json["links"]["public"].rsplit("/", 1)[1],
            "commission": team["mine"].id}


def _base(survey) -> str:
    return f"/commissions/{survey['commission']}/surveys/{survey['id']}"


def _invite(staff, survey, label="Researcher A") -> str:
    response = staff.post(f"{_base(survey)}/collectors", data={"label": label})
    assert response.status_code == 201, _html(response)
    return re.search(r'id="collector-code">([^<]+)<', _html(response)).group(1)


def _collector(app, code):
    phone = app.test_client()
    assert _path(phone.get(f"/collect/{code}").location) == "/collect"
    return phone


def _record(phone, survey, answer="no"):
    started = phone.post(f"/collect/surveys/{survey['id']}/respond")
    assert _path(started.location) == f"/s/{survey['slug']}/page/1"
    assert "Recording someone's answers as Researcher" in _html(phone.get(started.location))
    assert _path(phone.post(f"/s/{survey['slug']}/page/1", data={"easy": answer}).location) == f"/s/{survey['slug']}/check"
    check = _html(phone.get(f"/s/{survey['slug']}/check"))
    key = re.search(r'name="submission_id" value="([^"]+)"', check).group(1)
    return phone.post(f"/s/{survey['slug']}/submit", data={"submission_id": key})


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (51.0, 22.0, 12.5)
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (0, 128, 0)).save(out, "JPEG", exif=exif)
    return out.getvalue()


# -- inviting -------------------------------------------------------------------------------------


def test_a_commissioner_invites_a_collector_and_sees_the_code_once(app, staff, survey, store):
    page = staff.get(f"{_base(survey)}/collectors")
    assert page.status_code == 200 and "Invite a collector" in _html(page)
    code = _invite(staff, survey)
    with store.session() as s:
        stored = s.scalar(select(SurveyCollector))
        assert stored.label == "Researcher A"
        assert stored.secret_hash == hashlib.sha256(f"collector:{code}".encode()).hexdigest()
    again = _html(staff.get(f"{_base(survey)}/collectors"))
    assert "Researcher A" in again and code not in again  # shown once


@pytest.mark.parametrize("label, words", [("maria@example.org", "not an email address"),
                                          ("07700 900123", "phone number"), ("", "Enter a label")])
def test_labels_with_contact_details_are_refused_with_the_error_summary(staff, survey, store, label, words):
    response = staff.post(f"{_base(survey)}/collectors", data={"label": label})
    assert response.status_code == 422
    html = _html(response)
    assert "There is a problem" in html and words in html and 'href="#label"' in html
    with store.session() as s:
        assert s.scalar(select(SurveyCollector.id)) is None


def test_evaluators_read_outsiders_get_404_and_signed_out_visitors_sign_in(app, world, survey):
    eve = app.test_client()
    world.sign_in(eve, "eve@example.org")
    page = eve.get(f"{_base(survey)}/collectors")
    assert page.status_code == 200 and "Invite a collector" not in _html(page)
    assert eve.post(f"{_base(survey)}/collectors", data={"label": "Researcher B"}).status_code == 403
    bob = app.test_client()
    world.sign_in(bob, "bob@example.org")
    assert bob.get(f"{_base(survey)}/collectors").status_code == 404
    assert bob.post(f"{_base(survey)}/collectors", data={"label": "Researcher B"}).status_code == 404
    nobody = app.test_client()
    assert "/sign-in" in nobody.get(f"{_base(survey)}/collectors").location


def test_a_survey_of_another_commission_is_not_found_under_this_one(app, world, staff, survey, team, token):
    assert staff.get(f"/commissions/{team['theirs'].id}/surveys/{survey['id']}/collectors").status_code == 404


# -- collecting -----------------------------------------------------------------------------------


def test_a_collector_records_responses_marked_as_theirs(app, staff, survey, store):
    code = _invite(staff, survey)
    phone = _collector(app, code)
    home = _html(phone.get("/collect"))
    assert "Collecting as Researcher A" in home and "Street survey" in home
    for answer in ("yes", "no", "maybe"):
        done = _record(phone, survey, answer)
        assert _path(done.location) == f"/s/{survey['slug']}/done"
        recorded = _html(phone.get(done.location))
        assert "Response recorded" in recorded and "Record another response" in recorded
    # A resident answering on their own is not marked.
    resident = app.test_client()
    resident.post(f"/s/{survey['slug']}/start")
    assert "Recording someone" not in _html(resident.get(f"/s/{survey['slug']}/page/1"))
    resident.post(f"/s/{survey['slug']}/page/1", data={"easy": "yes"})
    key = re.search(r'name="submission_id" value="([^"]+)"', _html(resident.get(f"/s/{survey['slug']}/check"))).group(1)
    resident.post(f"/s/{survey['slug']}/submit", data={"submission_id": key})
    assert "Thank you: your answers are saved" in _html(resident.get(f"/s/{survey['slug']}/done"))
    with store.session() as s:
        marks = sorted((r.collector_id is not None) for r in s.scalars(select(SurveyResponse)))
    assert marks == [False, True, True, True]
    assert "You have recorded 3 responses" in _html(phone.get("/collect"))
    results = _html(staff.get(f"{_base(survey)}/results"))
    table = results[results.index('id="collected-table"'):]
    assert re.search(r"Researcher A</th>\s*<td[^>]*>3</td>\s*<td[^>]*>0</td>", table)
    assert "3 of the 4 responses were recorded by community researchers" in results


def test_typing_the_code_works_and_wrong_codes_are_told_clearly(app, staff, survey):
    code = _invite(staff, survey)
    phone = app.test_client()
    assert "Enter your collector code" in _html(phone.get("/collect"))
    wrong = phone.post("/collect", data={"code": "ABCD-EFGH-JKMN"})
    assert wrong.status_code == 422 and "That collector code does not work" in _html(wrong)
    malformed = phone.post("/collect", data={"code": "hello"})
    assert malformed.status_code == 422 and "like ABCD-EFGH-JKMN" in _html(malformed)
    assert _path(phone.post("/collect", data={"code": code.lower()}).location) == "/collect"
    assert "Collecting as Researcher A" in _html(phone.get("/collect"))
    unknown = app.test_client().get("/collect/ABCD-EFGH-JKMN")
    assert unknown.status_code == 404 and "This collector link does not work" in _html(unknown)


def test_a_collector_cannot_respond_for_a_survey_they_were_not_invited_to(app, staff, survey, team, token):
    phone = _collector(app, _invite(staff, survey))
    client = app.test_client()
    other = client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=token,
                        json={"title": "Other", "step": "initiate", "questions": QUESTIONS}).json["id"]
    client.post(f"/api/v1/surveys/{other}/open", headers=token)
    assert phone.post(f"/collect/surveys/{other}/respond").status_code == 404
    assert phone.get(f"/collect/surveys/{other}/observe").status_code == 404


def test_withdrawing_stops_the_link_at_once_and_keeps_what_was_collected(app, staff, survey, store):
    code = _invite(staff, survey)
    phone = _collector(app, code)
    _record(phone, survey)
    # Half-way through the next person's answers...
    phone.post(f"/collect/surveys/{survey['id']}/respond")
    phone.post(f"/s/{survey['slug']}/page/1", data={"easy": "yes"})
    key = re.search(r'name="submission_id" value="([^"]+)"', _html(phone.get(f"/s/{survey['slug']}/check"))).group(1)
    with store.session() as s:
        collector_id = s.scalar(select(SurveyCollector.id))
    tablet = _collector(app, code)  # the same collector, signed in on a second device
    withdrawn = staff.post(f"{_base(survey)}/collectors/{collector_id}/withdraw")
    assert _path(withdrawn.location) == f"{_base(survey)}/collectors"
    assert "Researcher A is withdrawn" in _html(staff.get(withdrawn.location))
    # ...the submission is refused with a clear page, and nothing more is stored.
    refused = phone.post(f"/s/{survey['slug']}/submit", data={"submission_id": key})
    assert refused.status_code == 403 and "This collector link no longer works" in _html(refused)
    for page in (tablet.get("/collect"), app.test_client().get(f"/collect/{code}"),
                 app.test_client().post("/collect", data={"code": code})):
        assert page.status_code == 403
        assert "The responses and observations you already recorded are kept" in _html(page)
    with store.session() as s:
        assert [r.collector_id for r in s.scalars(select(SurveyResponse))] == [collector_id]
    results = _html(staff.get(f"{_base(survey)}/results"))
    assert "Researcher A (withdrawn)" in results
    assert staff.post(f"{_base(survey)}/collectors/{collector_id}/withdraw").status_code == 409
    assert staff.post(f"{_base(survey)}/collectors/999/withdraw").status_code == 404


def test_observations_with_photos_are_stripped_and_served_only_to_the_commissions_staff(app, world, staff, survey,
                                                                                         store):
    phone = _collector(app, _invite(staff, survey))
    page = phone.get(f"/collect/surveys/{survey['id']}/observe")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in _html(page)
    bad = phone.post(f"/collect/surveys/{survey['id']}/observe",
                     data={"text": "", "photo": (io.BytesIO(b"MZ not a photo"), "photo.jpg")},
                     content_type="multipart/form-data")
    assert bad.status_code == 422
    html = _html(bad)
    assert "Enter what you saw" in html and "must be a JPG, PNG or WebP photo" in html and 'href="#photo"' in html
    good = phone.post(f"/collect/surveys/{survey['id']}/observe",
                      data={"text": "No dropped kerb by the post office",
                            "photo": (io.BytesIO(_jpeg_with_gps()), "IMG_0001.JPG")},
                      content_type="multipart/form-data")
    assert _path(good.location) == "/collect"
    with store.session() as s:
        obs = s.scalar(select(CollectorObservation))
    listing = _html(staff.get(f"{_base(survey)}/collectors"))
    assert "No dropped kerb by the post office" in listing and f"/observations/{obs.id}/photo" in listing
    served = staff.get(f"{_base(survey)}/observations/{obs.id}/photo")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"] == f'inline; filename=observation-{obs.id}.jpg'
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert b"PhoneMaker" not in served.data and not Image.open(io.BytesIO(served.data)).getexif()
    bob = app.test_client()
    world.sign_in(bob, "bob@example.org")
    assert bob.get(f"{_base(survey)}/observations/{obs.id}/photo").status_code == 404
    assert "/sign-in" in app.test_client().get(f"{_base(survey)}/observations/{obs.id}/photo").location
    assert phone.get(f"{_base(survey)}/observations/{obs.id}/photo").status_code == 302  # collectors are not staff
    assert staff.get(f"{_base(survey)}/observations/{obs.id + 1}/photo").status_code == 404


def test_an_oversize_photo_is_refused_with_the_error_summary(app, staff, survey, monkeypatch):
    from surveys import uploads

    monkeypatch.setattr(uploads, "MAX_PHOTO_BYTES", 1000)
    phone = _collector(app, _invite(staff, survey))
    big = phone.post(f"/collect/surveys/{survey['id']}/observe",
                     data={"text": "Bins", "photo": (io.BytesIO(b"\xff" * 2000), "big.jpg")},
                     content_type="multipart/form-data")
    assert big.status_code == 422 and "must be smaller than" in _html(big)


def test_closing_records_how_many_collected_and_how_many_people_they_reached(app, staff, survey, store):
    phone = _collector(app, _invite(staff, survey))
    for _ in range(2):
        _record(phone, survey)
    _invite(staff, survey, "Researcher B")  # invited, collected nothing
    staff.post(f"{_base(survey)}/close")
    with store.session() as s:
        entry = s.scalar(select(EvidenceEntry).where(EvidenceEntry.kind == "resident_data"))
    assert entry.payload == {"survey_id": survey["id"], "collectors": 1, "people_reached": 2, "observations": 0}
    assert "Researcher" not in entry.summary
    assert phone.post(f"/collect/surveys/{survey['id']}/respond").status_code == 409
    closed = _html(phone.get("/collect"))
    assert "This survey has closed" in closed


# -- the API ---------------------------------------------------------------------------------------


def test_the_api_lists_invites_and_withdraws_with_roles_and_commissions(app, world, survey, token):
    client = app.test_client()
    url = f"/api/v1/commissions/{survey['commission']}/surveys/{survey['id']}/collectors"
    invited = client.post(url, headers=token, json={"label": "Researcher A"})
    assert invited.status_code == 201
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", invited.json["code"])
    assert invited.json["link"].endswith(f"/collect/{invited.json['code']}")
    assert client.post(url, headers=token, json={"label": "a@example.org"}).status_code == 422
    assert client.post(url, headers=token, json={"label": "Researcher A", "extra": 1}).status_code == 422
    listed = client.get(url, headers=token).json
    assert listed["collectors"][0]["label"] == "Researcher A" and "code" not in listed["collectors"][0]
    eve, bob = world.token("eve@example.org"), world.token("bob@example.org")
    assert client.get(url, headers=eve).status_code == 200
    assert client.post(url, headers=eve, json={"label": "Researcher B"}).status_code == 403
    assert client.get(url, headers=bob).status_code == 404
    assert client.get(url).status_code == 401
    cid = invited.json["id"]
    withdraw = f"/api/v1/commissions/{survey['commission']}/collectors/{cid}/withdraw"
    assert client.post(withdraw, headers=eve).status_code == 403
    assert client.post(withdraw, headers=bob).status_code == 404
    done = client.post(withdraw, headers=token)
    assert done.status_code == 200 and done.json["withdrawn"] is True
    assert client.post(withdraw, headers=token).status_code == 409


def test_a_collector_records_a_response_with_their_token(app, survey, token, store):
    client = app.test_client()
    url = f"/api/v1/commissions/{survey['commission']}/surveys/{survey['id']}/collectors"
    invited = client.post(url, headers=token, json={"label": "Researcher A"}).json
    mine = {"Collector-Token": invited["code"]}
    assert client.get("/api/v1/collect", headers=mine).json["surveys"][0]["id"] == survey["id"]
    sent = client.post(f"/api/v1/collect/surveys/{survey['id']}/responses", headers={**mine, "Idempotency-Key": "k1"},
                       json={"answers": {"easy": "no"}})
    assert sent.status_code == 201 and sent.json["receipt"] and sent.json["collected_by"] == "Researcher A"
    again = client.post(f"/api/v1/collect/surveys/{survey['id']}/responses", headers={**mine, "Idempotency-Key": "k1"},
                        json={"answers": {"easy": "no"}})
    assert again.status_code == 200 and again.json["receipt"] == sent.json["receipt"]
    bad = client.post(f"/api/v1/collect/surveys/{survey['id']}/responses", headers=mine, json={"answers": {}})
    assert bad.status_code == 422
    assert client.post(f"/api/v1/collect/surveys/{survey['id']}/responses", json={"answers": {"easy": "no"}}) \
        .json["error"]["code"] == "invalid_collector_token"
    assert client.post(f"/api/v1/collect/surveys/{survey['id'] + 50}/responses", headers=mine,
                       json={"answers": {"easy": "no"}}).status_code == 404
    with store.session() as s:
        assert [r.collector_id for r in s.scalars(select(SurveyResponse))] == [invited["id"]]
    client.post(f"/api/v1/commissions/{survey['commission']}/collectors/{invited['id']}/withdraw", headers=token)
    gone = client.post(f"/api/v1/collect/surveys/{survey['id']}/responses", headers=mine,
                       json={"answers": {"easy": "no"}})
    assert gone.status_code == 403 and gone.json["error"]["code"] == "collector_withdrawn"
    listed = client.get(url, headers=token).json
    assert listed["collectors"][0]["withdrawn"] is True and listed["collectors"][0]["responses"] == 1


def test_the_demo_data_has_collectors_whose_counts_show(app, monkeypatch):
    from surveys import collectors
    from surveys.models import Survey

    monkeypatch.setenv("ENGAGE_DEMO_PASSWORD", "a demo password nobody guesses 42")
    app.config["LOAD_DEMO_DATA"] = True
    assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
    with app.extensions["engage.db"].session() as s:
        survey = s.scalar(select(Survey).where(Survey.title == "Day opportunities: what matters to you"))
        rows = collectors.counts(s, survey)
        observations = collectors.observations(s, survey)
    assert [(r["label"], r["responses"], r["observations"], r["withdrawn"]) for r in rows] == [
        ("Peer researcher A", 2, 0, False), ("Peer researcher B", 1, 1, True)]
    assert observations[0][0].photo_type == "image/png"
