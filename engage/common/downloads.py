"""Files staff download from pages and from the API alike: the evidence log as CSV, a survey's
responses as CSV. One builder each, so the page and the API can never hand out different files."""
from __future__ import annotations

import csv
import io
import json

from flask import Response, stream_with_context

from surveys import exports

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


#: How much CSV text is gathered before it is sent on.
CSV_CHUNK = 64 * 1024


def survey_responses_csv(survey, session) -> Response:
    """A survey's responses as CSV, streamed: written and sent a chunk at a time while the rows
    are read (``exports.stored_rows``), so memory stays the same for ten responses or a million.
    The request's context (and its database session) stays open until the last chunk is sent.
    Encoded chunk by chunk exactly as ``download`` encodes a whole file."""

    def body():
        out = io.StringIO()
        writer = csv.writer(out)
        for row in exports.stored_rows(session, survey):
            writer.writerow(row)
            if out.tell() >= CSV_CHUNK:
                yield out.getvalue().encode("utf-8", "replace")
                out.seek(0)
                out.truncate()
        yield out.getvalue().encode("utf-8", "replace")

    return Response(stream_with_context(body()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="survey-{survey.id}-responses.csv"'})
