"""schemathesis against the live OpenAPI document (issue 13): every operation it describes is
called with examples generated from its own schemas, with a Bearer token from a fixture, and
  - no answer is a 5xx,
  - every status, content type, header and body conforms to what the document says,
  - a request that is refused (4xx) changes nothing stored.
The examples are bounded (``MAX_EXAMPLES`` an operation) so this stays within a couple of minutes
in ``make test``; the property-based fuzz in ``test_api_fuzz.py`` throws odder bodies at the same
routes. Ids in paths are drawn from the ones the fixture made, so operations are exercised on
real rows, not only on 404s."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_headers_conformance, response_schema_conformance, status_code_conformance,
)

from stored_state import fingerprint as _fingerprint

MAX_EXAMPLES = 6
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@pytest.fixture
def api_world(app, client, world, team):
    """A commission with a survey, a theme and a live session, and Alice's token."""
    headers = world.token("alice@example.org")
    mine = team["mine"].id
    survey = client.post(f"/api/v1/commissions/{mine}/surveys", headers=headers, json={
        "title": "Park", "step": "initiate",
        "questions": [{"id": "q1", "type": "free_text", "text": "Why?"}]}).get_json()
    theme = client.post(f"/api/v1/commissions/{mine}/themes", headers=headers, json={"name": "Paths"}).get_json()
    live = client.post(f"/api/v1/commissions/{mine}/live-sessions", headers=headers, json={
        "title": "Drop-in", "step": "initiate",
        "questions": [{"type": "word_cloud", "text": "One word"}]}).get_json()
    return {"headers": headers, "engine": app.extensions["engage.db"].engine,
            "ids": {"commission_id": mine, "survey_id": survey["id"], "theme_id": theme["id"],
                    "session_id": live["id"], "question_id": live["questions"][0]["id"]}}


def test_the_api_keeps_to_its_document(app, api_world):
    """Each operation in turn (schemathesis's pytest plugin does not run under pytest 9, so the
    operations are driven through their Hypothesis strategies here), valid and invalid examples."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    ids = api_world["ids"]
    failures: list[str] = []
    # Reads first and deletions last, so the fixture's rows are still there for every change.
    rank = {"GET": 0, "PUT": 1, "PATCH": 1, "POST": 2, "DELETE": 3}
    operations = sorted((result.ok() for result in schema.get_all_operations()),
                        key=lambda op: (rank[op.method.upper()], op.path))
    assert len(operations) > 90

    for operation in operations:
        strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                             operation.as_strategy(GenerationMode.NEGATIVE))

        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=strategy, real_ids=st.booleans())
        def call(case, real_ids):
            if case.path_parameters and real_ids:
                # the fixture's real ids (else the generated ones, nearly always unknown: 404)
                case.path_parameters = {**case.path_parameters,
                                        **{name: ids[name] for name in case.path_parameters if name in ids}}
            before = _fingerprint(api_world["engine"])
            response = case.call(headers={**(case.headers or {}), **api_world["headers"]})  # our token wins
            case.validate_response(response, checks=CHECKS)
            if 400 <= response.status_code < 500:
                assert _fingerprint(api_world["engine"]) == before, (
                    f"{case.method} {case.formatted_path} answered {response.status_code} but changed what is stored")

        try:
            call()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 (schemathesis raises a FailureGroup)
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    assert not failures, f"{len(failures)} operations broke their document:\n\n" + "\n\n".join(failures)
