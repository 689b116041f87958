"""The responses CSV is streamed (written while the rows are read, a chunk at a time) and is byte
for byte the file the row-by-row export made before: every response loaded, every row written
into one string, encoded once. Checked on the page's and the API's download, with chunks far
smaller than the file so it arrives in many pieces."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from engage.common import downloads
from surveys import exports
from surveys.branching import flatten
from surveys.models import Survey, SurveyResponse

from test_survey_results_api import QUESTIONS, RESPONSES, _new_survey

MORE = [
    {"park": "Meadow", "comments": "Commas, \"quotes\" and a\nnew line", "who": "Other"},
    {"park": "Common", "comments": "  @SUM(A1:A9) ＝1+1 café 日本語 ✓", "visits": 0, "travel": ["Walk"]},
    {"park": "Rosehill", "comments": "-3", "score": 1},
]


def _reference(store, survey_id: int) -> bytes:
    """The export as it was made row by row before streaming (engage/common/downloads.py then)."""
    with store.session() as s:
        survey = s.get(Survey, survey_id)
        rows = list(s.scalars(select(SurveyResponse).where(SurveyResponse.survey_id == survey_id)
                              .order_by(SurveyResponse.submitted_at, SurveyResponse.id)))
        out = io.StringIO()
        writer = csv.writer(out)
        data = [{"answers": r.answers, "submitted_at": r.submitted_at, "survey_version": r.survey_version}
                for r in rows]
        for row in exports.csv_rows(flatten(survey.definition), data):
            writer.writerow(row)
        return out.getvalue().encode("utf-8", "replace")


@pytest.fixture
def answered(client, alice, team):
    sid = _new_survey(client, alice, team["mine"].id)
    for answers in RESPONSES + MORE:
        assert client.post(f"/api/v1/surveys/{sid}/responses", json={"answers": answers}).status_code == 201
    return sid


def test_the_streamed_csv_is_the_row_by_row_file(client, alice, answered, team, store, world, monkeypatch):
    monkeypatch.setattr(downloads, "CSV_CHUNK", 40)  # a chunk for every row or so
    expected = _reference(store, answered)
    assert expected.count(b"\r\n") == len(RESPONSES + MORE) + 1  # a header, then a line a response
    assert b'"Commas, ""quotes"" and a\nnew line"' in expected and "'  @SUM".encode() in expected

    api = client.get(f"/api/v1/surveys/{answered}/results?format=csv", headers=alice, buffered=False)
    assert api.status_code == 200 and api.is_streamed
    chunks = list(api.response)
    api.close()
    assert len(chunks) >= len(RESPONSES + MORE)  # sent as the rows were read, not as one file
    assert b"".join(chunks) == expected

    world.sign_in(client, "alice@example.org")
    page = client.get(f"/commissions/{team['mine'].id}/surveys/{answered}/results.csv")
    assert page.status_code == 200
    assert page.headers["Content-Disposition"] == f'attachment; filename="survey-{answered}-responses.csv"'
    assert page.mimetype == "text/csv"
    assert page.get_data() == expected


def test_a_survey_with_no_responses_is_its_header_alone(client, alice, team, store):
    sid = _new_survey(client, alice, team["mine"].id)
    response = client.get(f"/api/v1/surveys/{sid}/results?format=csv", headers=alice)
    assert response.get_data() == _reference(store, sid)
    assert response.get_data().count(b"\r\n") == 1
