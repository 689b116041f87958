"""Files staff download from pages and from the API alike: the evidence log as CSV, a survey's
responses as CSV. One builder each, so the page and the API can never hand out different files."""
from __future__ import annotations

import csv
import io
import json

from flask import Response

from surveys import exports
from surveys.branching import flatten

EVIDENCE_COLUMNS = ("id", "seq", "step", "practice_question", "journey_version", "kind", "summary",
                    "payload", "author", "source", "recorded_at", "supersedes", "prev_hash", "hash")


def download(body: str, mimetype: str, filename: str) -> Response:
    """A file to save. Text UTF-8 cannot hold (an unpaired surrogate in old data) becomes "?"
    rather than failing the whole download."""
    data = body.encode("utf-8", "replace") if isinstance(body, str) else body
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def csv_cell(value) -> str:
    """One evidence field as CSV text, under the same formula guard as every other export."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True) if isinstance(value, (dict, list)) else \
        "" if value is None else str(value)
    return exports.safe_cell(text)


def evidence_csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EVIDENCE_COLUMNS)
    for row in rows:
        data = row.as_dict()
        writer.writerow([csv_cell(data[c]) for c in EVIDENCE_COLUMNS])
    return out.getvalue()


def survey_responses_csv(survey, rows) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    data = [{"answers": r.answers, "submitted_at": r.submitted_at, "survey_version": r.survey_version}
            for r in rows]
    for row in exports.csv_rows(flatten(survey.definition), data):
        writer.writerow(row)
    return download(out.getvalue(), "text/csv", f"survey-{survey.id}-responses.csv")
