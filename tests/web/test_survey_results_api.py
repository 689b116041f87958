"""Results on the API match a known set of responses exactly: per-question counts, segmentation
by an about-you question, representativeness, CSV and the JSON export; closing files them as
evidence (without residents' own words) and the evidence chain still verifies."""
from __future__ import annotations

import csv
import io
import json

import pytest


QUESTIONS = [
    {"id": "park", "type": "single_choice", "text": "Which park?", "options": ["Rosehill", "Meadow", "Common"],
     "required": True},
    {"id": "travel", "type": "multiple_choice", "text": "How do you get there?",
     "options": ["Bus", "Car", "Walk", "Bike"]},
    {"id": "score", "type": "rating", "text": "How good is it?", "min": 1, "max": 5},
    {"id": "safe", "type": "agreement", "text": "The park feels safe."},
    {"id": "again", "type": "yes_no_maybe", "text": "Would you go again?"},
    {"id": "why_not", "type": "free_text", "text": "Why not?", "show_if": {"question": "again", "equals": "no"}},
    {"id": "visits", "type": "number", "text": "Visits a month?", "min": 0, "max": 9},
    {"id": "comments", "type": "free_text", "text": "Anything else?"},
    {"id": "rank", "type": "ranking", "text": "Rank these", "options": ["Toilets", "Benches", "Lights"]},
    {"id": "who", "type": "about_you", "text": "Which describes you?", "category": "respondent_group",
     "why": "To check we hear from everyone", "options": ["Carers", "Residents", "Other"]},
]

SECRET_WORDS = "my neighbour Pat Smith at number 12 is lonely"

RESPONSES = [
    {"park": "Rosehill", "travel": ["Bus", "Walk"], "score": 5, "safe": "Agree", "again": "yes", "visits": 3,
     "comments": "=HYPERLINK(\"http://evil.example\",\"Click\")", "rank": ["Toilets", "Benches", "Lights"],
     "who": "Carers"},
    {"park": "Common", "travel": ["Car"], "score": 4, "safe": "Strongly agree", "again": "no",
     "why_not": "Too far to walk", "visits": 7, "rank": ["Benches", "Toilets", "Lights"], "who": "Residents"},
    {"park": "Rosehill", "travel": ["Bus"], "score": 5, "safe": "Disagree", "again": "maybe", "visits": 3,
     "comments": SECRET_WORDS, "who": "Residents"},
    {"park": "Meadow", "travel": ["Bike", "Walk", "Bus"], "score": 2, "again": "yes",
     "rank": ["Lights", "Benches", "Toilets"], "who": "Residents", "comments": "+44 is not a formula? -1"},
    {"park": "Rosehill"},
]

EXPECTED_COUNTS = {
    "park": {"Rosehill": 3, "Meadow": 1, "Common": 1},
    "travel": {"Bus": 3, "Car": 1, "Walk": 2, "Bike": 1},
    "score": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 2},
    "safe": {"Strongly agree": 1, "Agree": 1, "Neither agree nor disagree": 0, "Disagree": 1,
             "Strongly disagree": 0},
    "again": {"yes": 2, "no": 1, "maybe": 1},
    "why_not": {},
    "visits": {str(n): {3: 2, 7: 1}.get(n, 0) for n in range(10)},
    "comments": {},
    # Borda points with three options: first 2, second 1, third 0
    "rank": {"Toilets": 3, "Benches": 4, "Lights": 2},
    "who": {"Carers": 1, "Residents": 3, "Other": 0},
}
EXPECTED_ANSWERED = {"park": 5, "travel": 4, "score": 4, "safe": 3, "again": 4, "why_not": 1, "visits": 3,
                     "comments": 3, "rank": 3, "who": 4}


def _new_survey(client, headers, commission_id, questions=QUESTIONS, **extra):
    response = client.post(f"/api/v1/commissions/{commission_id}/surveys", headers=headers,
                           json={"title": "Parks", "step": "initiate", "questions": questions, **extra})
    assert response.status_code == 201, response.json
    sid = response.json["id"]
    assert client.post(f"/api/v1/surveys/{sid}/open", headers=headers).status_code == 200
    return sid


@pytest.fixture
def survey(client, alice, team):
    sid = _new_survey(client, alice, team["mine"].id)
    for answers in RESPONSES:
        response = client.post(f"/api/v1/surveys/{sid}/responses", json={"answers": answers})
        assert response.status_code == 201, response.json
    return sid


def _by_id(results):
    return {q["id"]: q for q in results["questions"]}


# -- figures --------------------------------------------------------------------------------------


def test_results_match_the_stored_answers_exactly(client, alice, survey):
    response = client.get(f"/api/v1/surveys/{survey}/results", headers=alice)
    assert response.status_code == 200
    results = response.json
    assert results["responses"] == len(RESPONSES)
    assert [q["id"] for q in results["questions"]] == [q["id"] for q in QUESTIONS]
    questions = _by_id(results)
    for qid, counts in EXPECTED_COUNTS.items():
        assert questions[qid]["counts"] == counts, qid
        assert questions[qid]["answered"] == EXPECTED_ANSWERED[qid], qid
    # percentages are of the people who answered that question
    assert questions["park"]["percentages"] == {"Rosehill": 60.0, "Meadow": 20.0, "Common": 20.0}
    assert questions["travel"]["percentages"] == {"Bus": 75.0, "Car": 25.0, "Walk": 50.0, "Bike": 25.0}
    assert questions["score"]["mean"] == 4.0
    assert questions["safe"]["agree_percent"] == pytest.approx(66.7)
    assert questions["rank"]["order"] == ["Benches", "Toilets", "Lights"]
    assert questions["rank"]["first_choice"] == {"Toilets": 1, "Benches": 1, "Lights": 1}
    assert questions["visits"]["mean"] == pytest.approx(13 / 3, abs=0.01)
    assert questions["why_not"]["texts"] == ["Too far to walk"]
    assert sorted(questions["comments"]["texts"]) == sorted(r["comments"] for r in RESPONSES if "comments" in r)


def test_results_follow_a_change_and_a_deletion(client, alice, survey):
    extra = client.post(f"/api/v1/surveys/{survey}/responses",
                        json={"answers": {"park": "Common", "again": "yes"}}).json["receipt"]
    client.put(f"/api/v1/responses/{extra}", json={"answers": {"park": "Meadow", "again": "maybe"}})
    questions = _by_id(client.get(f"/api/v1/surveys/{survey}/results", headers=alice).json)
    assert questions["park"]["counts"] == {"Rosehill": 3, "Meadow": 2, "Common": 1}
    assert questions["again"]["counts"] == {"yes": 2, "no": 1, "maybe": 2}
    client.delete(f"/api/v1/responses/{extra}")
    results = client.get(f"/api/v1/surveys/{survey}/results", headers=alice).json
    assert results["responses"] == len(RESPONSES)
    assert _by_id(results)["park"]["counts"] == EXPECTED_COUNTS["park"]


def test_results_with_no_responses(client, alice, team):
    sid = _new_survey(client, alice, team["mine"].id)
    results = client.get(f"/api/v1/surveys/{sid}/results", headers=alice).json
    assert results["responses"] == 0
    assert _by_id(results)["park"]["counts"] == {"Rosehill": 0, "Meadow": 0, "Common": 0}
    assert _by_id(results)["park"]["percentages"] == {"Rosehill": 0.0, "Meadow": 0.0, "Common": 0.0}


def test_search_filters_free_text(client, alice, survey):
    questions = _by_id(client.get(f"/api/v1/surveys/{survey}/results?q=LONELY", headers=alice).json)
    assert questions["comments"]["texts"] == [SECRET_WORDS]
    assert questions["why_not"]["texts"] == []
    assert questions["park"]["counts"] == EXPECTED_COUNTS["park"]  # counts are not filtered


# -- segmentation -----------------------------------------------------------------------------------


def test_segmentation_by_an_about_you_question(client, alice, survey):
    results = client.get(f"/api/v1/surveys/{survey}/results?by=who", headers=alice).json
    assert results["segmented_by"] == "who"
    park = _by_id(results)["park"]
    segments = {s["segment"]: s for s in park["segments"]}
    assert list(segments) == ["Carers", "Residents", "Other", "Not answered"]
    assert segments["Carers"]["respondents"] == 1
    assert segments["Carers"]["counts"] == {"Rosehill": 1, "Meadow": 0, "Common": 0}
    assert segments["Residents"]["respondents"] == 3
    assert segments["Residents"]["counts"] == {"Rosehill": 1, "Meadow": 1, "Common": 1}
    assert segments["Other"]["respondents"] == 0
    assert segments["Other"]["counts"] == {"Rosehill": 0, "Meadow": 0, "Common": 0}
    assert segments["Not answered"]["respondents"] == 1
    assert segments["Not answered"]["counts"] == {"Rosehill": 1, "Meadow": 0, "Common": 0}
    travel = {s["segment"]: s for s in _by_id(results)["travel"]["segments"]}
    assert travel["Residents"]["counts"] == {"Bus": 2, "Car": 1, "Walk": 1, "Bike": 1}
    assert travel["Residents"]["answered"] == 3
    score = {s["segment"]: s for s in _by_id(results)["score"]["segments"]}
    assert score["Residents"]["mean"] == pytest.approx(11 / 3, abs=0.01)
    # the segment counts add up to the whole
    for q in results["questions"]:
        if "segments" in q:
            for option, total in q["counts"].items():
                assert sum(s["counts"][option] for s in q["segments"]) == total, (q["id"], option)
    # free text and the segmenting question itself are not broken down
    assert "segments" not in _by_id(results)["comments"]
    assert "segments" not in _by_id(results)["who"]


def test_by_a_question_that_is_not_about_you_is_ignored(client, alice, survey):
    results = client.get(f"/api/v1/surveys/{survey}/results?by=park", headers=alice).json
    assert results["segmented_by"] is None
    assert all("segments" not in q for q in results["questions"])


# -- representativeness ------------------------------------------------------------------------------


def test_representativeness_against_the_population_groups(client, alice, survey):
    rep = client.get(f"/api/v1/surveys/{survey}/results", headers=alice).json["representativeness"]
    assert rep["question_id"] == "who"
    rows = {r["group"]: r for r in rep["rows"]}
    # Carers: 1 of 5 respondents = 20%, target 30%: below 80% of target (24%)
    assert rows["Carers"]["respondents"] == 1
    assert rows["Carers"]["target_share"] == pytest.approx(0.3)
    assert rows["Carers"]["actual_share"] == pytest.approx(0.2)
    assert rows["Carers"]["under_represented"] is True
    # Residents: 3 of 5 = 60%, target 60%
    assert rows["Residents"]["respondents"] == 3
    assert rows["Residents"]["actual_share"] == pytest.approx(0.6)
    assert rows["Residents"]["under_represented"] is False
    assert rows["Not answered"]["target_share"] is None
    assert rows["Not answered"]["under_represented"] is False
    assert rep["totals"]["respondents"] == 5
    assert rep["totals"]["under_represented"] == 1


def test_representativeness_boundary_is_80_per_cent_of_target(client, alice, team):
    sid = _new_survey(client, alice, team["mine"].id)
    # 6 Carers of 25 = 24% = exactly 80% of 30%: not under-represented; Residents 19 of 25 = 76%
    for group, n in (("Carers", 6), ("Residents", 19)):
        for _ in range(n):
            client.post(f"/api/v1/surveys/{sid}/responses", json={"answers": {"park": "Meadow", "who": group}})
    rows = {r["group"]: r for r in
            client.get(f"/api/v1/surveys/{sid}/results", headers=alice).json["representativeness"]["rows"]}
    assert rows["Carers"]["actual_share"] == pytest.approx(0.24)
    assert rows["Carers"]["under_represented"] is False
    assert rows["Residents"]["under_represented"] is False
    client.post(f"/api/v1/surveys/{sid}/responses", json={"answers": {"park": "Meadow", "who": "Residents"}})
    rows = {r["group"]: r for r in
            client.get(f"/api/v1/surveys/{sid}/results", headers=alice).json["representativeness"]["rows"]}
    assert rows["Carers"]["actual_share"] == pytest.approx(6 / 26, abs=1e-4)
    assert rows["Carers"]["under_represented"] is True


def test_no_representativeness_without_a_matching_about_you_question(client, alice, team):
    sid = _new_survey(client, alice, team["mine"].id, questions=QUESTIONS[:3])
    assert client.get(f"/api/v1/surveys/{sid}/results", headers=alice).json["representativeness"] is None


# -- CSV and export --------------------------------------------------------------------------------


def test_csv_has_one_row_per_response_and_one_column_per_question(client, alice, survey):
    response = client.get(f"/api/v1/surveys/{survey}/results?format=csv", headers=alice)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    header, body = rows[0], rows[1:]
    assert header == ["response", "submitted_at", "survey_version", *[q["text"] for q in QUESTIONS]]
    assert len(body) == len(RESPONSES)
    assert [r[0] for r in body] == ["1", "2", "3", "4", "5"]
    assert all(r[2] == "1" for r in body)
    col = {q["id"]: 3 + i for i, q in enumerate(QUESTIONS)}
    first, second, third, fourth, fifth = body
    assert first[col["park"]] == "Rosehill"
    assert first[col["travel"]] == "Bus; Walk"
    assert fourth[col["travel"]] == "Bus; Walk; Bike"  # in the options' order
    assert first[col["score"]] == "5"
    assert first[col["again"]] == "Yes"
    assert first[col["rank"]] == "1. Toilets; 2. Benches; 3. Lights"
    assert second[col["why_not"]] == "Too far to walk"
    # formula injection: a leading =, + or - is neutralised with a quote
    assert first[col["comments"]] == "'" + RESPONSES[0]["comments"]
    assert fourth[col["comments"]] == "'" + RESPONSES[3]["comments"]
    assert third[col["comments"]] == SECRET_WORDS
    assert fifth[3:] == ["Rosehill"] + [""] * (len(QUESTIONS) - 1)
    # nothing that identifies a response: no receipts
    for receipt_like in ("receipt",):
        assert receipt_like not in header


def test_csv_protects_question_texts_too(client, alice, team):
    sid = _new_survey(client, alice, team["mine"].id,
                      questions=[{"type": "yes_no_maybe", "text": "=1+1 is two?"},
                                 {"type": "number", "text": "Change?", "min": -10, "max": 10}])
    client.post(f"/api/v1/surveys/{sid}/responses", json={"answers": {"q1": "no", "q2": -3}})
    rows = list(csv.reader(io.StringIO(
        client.get(f"/api/v1/surveys/{sid}/results?format=csv", headers=alice).get_data(as_text=True))))
    assert rows[0][3] == "'=1+1 is two?"
    assert rows[1][4] == "-3"  # a plain negative number stays a number


def test_export_holds_every_answer(client, alice, survey):
    export = client.get(f"/api/v1/surveys/{survey}/results?format=export", headers=alice).json
    assert export["responses"] == len(RESPONSES)
    assert len(export["answers"]) == len(RESPONSES)
    stored = [a["answers"] for a in export["answers"]]
    expected = [dict(r) for r in RESPONSES]
    expected[0]["travel"] = ["Bus", "Walk"]
    expected[3]["travel"] = ["Bus", "Walk", "Bike"]
    assert stored == expected
    assert all(a["survey_version"] == 1 and a["submitted_at"].endswith("Z") for a in export["answers"])
    assert all(set(a) == {"submitted_at", "survey_version", "answers"} for a in export["answers"])
    assert _by_id(export)["park"]["counts"] == EXPECTED_COUNTS["park"]


# -- closing files the results as evidence --------------------------------------------------------------


def _evidence(client, headers, commission_id):
    return client.get(f"/api/v1/commissions/{commission_id}/evidence", headers=headers).json


def test_closing_records_the_results_as_evidence(client, alice, team, survey):
    closed = client.post(f"/api/v1/surveys/{survey}/close", headers=alice)
    assert closed.status_code == 200
    log = _evidence(client, alice, team["mine"].id)
    assert log["count"] == 1
    entry = log["entries"][0]
    assert entry["id"] == closed.json["evidence_entry"]["id"]
    assert entry["kind"] == "survey_result"
    assert entry["step"] == "initiate"
    assert entry["source"] == "automatic"
    payload = entry["payload"]
    assert payload["survey_id"] == survey
    assert payload["responses"] == len(RESPONSES)
    counts = {q["id"]: q["counts"] for q in payload["questions"]}
    for qid, expected in EXPECTED_COUNTS.items():
        assert counts[qid] == expected, qid
    rows = {r["group"]: r for r in payload["representativeness"]["rows"]}
    assert rows["Carers"]["under_represented"] is True and rows["Residents"]["under_represented"] is False
    # residents' own words never reach the log
    dumped = json.dumps(entry)
    for words in (SECRET_WORDS, "Too far to walk", "HYPERLINK"):
        assert words not in dumped
    assert all("texts" not in q for q in payload["questions"])
    verify = client.get(f"/api/v1/commissions/{team['mine'].id}/evidence/verify", headers=alice)
    assert verify.status_code == 200
    assert verify.json["ok"] is True and verify.json["entries"] == 1


def test_evidence_keeps_the_figures_at_closing(client, alice, team, survey):
    client.post(f"/api/v1/surveys/{survey}/close", headers=alice)
    # a resident deletes their answers after closing: the results change, the evidence does not
    new = _new_survey(client, alice, team["mine"].id)
    receipt = client.post(f"/api/v1/surveys/{new}/responses", json={"answers": {"park": "Meadow"}}).json["receipt"]
    client.post(f"/api/v1/surveys/{new}/close", headers=alice)
    assert client.delete(f"/api/v1/responses/{receipt}").status_code == 204
    log = _evidence(client, alice, team["mine"].id)
    assert [e["payload"]["responses"] for e in log["entries"]] == [len(RESPONSES), 1]
    assert client.get(f"/api/v1/surveys/{new}/results", headers=alice).json["responses"] == 0
    assert client.get(f"/api/v1/commissions/{team['mine'].id}/evidence/verify", headers=alice).json["ok"] is True


def test_closing_with_a_ten_point_scale_keeps_the_chain_verifiable(client, alice, team):
    """Rating counts are keyed by numbers; the hash must be of what is stored, or a 0-10 scale
    ("10" sorts before "2" once stored as JSON) breaks verification of the whole log."""
    sid = _new_survey(client, alice, team["mine"].id,
                      questions=[{"type": "rating", "text": "How likely are you to recommend it?", "min": 0, "max": 10}])
    for score in (0, 2, 10, 10):
        client.post(f"/api/v1/surveys/{sid}/responses", json={"answers": {"q1": score}})
    assert client.post(f"/api/v1/surveys/{sid}/close", headers=alice).status_code == 200
    verify = client.get(f"/api/v1/commissions/{team['mine'].id}/evidence/verify", headers=alice).json
    assert verify["ok"] is True, verify
    payload = _evidence(client, alice, team["mine"].id)["entries"][0]["payload"]
    assert payload["questions"][0]["counts"]["10"] == 2


def test_a_survey_mentioning_a_helpline_number_can_still_be_closed(client, alice, team):
    """A question may quote the council's own helpline; that is not a resident's contact detail,
    and a survey that could be opened must be closable (its results filed)."""
    sid = _new_survey(client, alice, team["mine"].id,
                      questions=[{"type": "yes_no_maybe", "text": "Have you called our helpline on 0300 123 4567?"}])
    client.post(f"/api/v1/surveys/{sid}/responses", json={"answers": {"q1": "yes"}})
    response = client.post(f"/api/v1/surveys/{sid}/close", headers=alice)
    assert response.status_code == 200, response.json
    assert client.get(f"/api/v1/surveys/{sid}", headers=alice).json["status"] == "closed"
    assert _evidence(client, alice, team["mine"].id)["count"] == 1
