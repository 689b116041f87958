"""The evaluation's indicators, survey results (with segmentation) and the responses CSV on
PostgreSQL give exactly what they give on SQLite for the same record (issue 10 asks for the
indicators on PostgreSQL; they count from ``survey_answers``, kept by a PL/pgSQL trigger there
and by SQLite triggers here, and read JSON text each database writes its own way)."""
from __future__ import annotations

import pytest

from commissioning_steps import commissions, db, evidence, journey, progression, staff
from commissioning_steps.commissions import Commission
from surveys import evaluation_indicators as ei
from surveys import exports, lifecycle, responses, results
from surveys.models import Survey

pytestmark = pytest.mark.integration

GROUPS = [("Carer", 40), ("Resident", 55)]  # the templates' about-you options, by name
SECRET = b"integration-test-secret"


def _record(store: db.Store) -> tuple[int, list[int]]:
    """One commission, its journey walked to Incubate, three template surveys answered through the
    submit service (one answer changed and one deleted afterwards), and a meeting note."""
    with store.session(write=True) as s:
        casey = staff.create_user(s, email="casey@example.org", name="Casey", role=staff.COMMISSIONER,
                                  password_hash="not-a-hash")
        c = commissions.create_commission(s, casey, commissions.CommissionInput(
            title="Day opportunities", population_groups=GROUPS))
        survey_ids = []
        for step in journey.STEP_KEYS:
            key = {"incubate": "incubate_plan_check", "negotiate": "negotiate_influence",
                   "evaluate": "evaluate_process_and_outcomes"}.get(step)
            if key:
                survey = lifecycle.create_survey(s, c, casey, lifecycle.SurveyInput(
                    template=key, material_text="The plan, in full."))
                lifecycle.open_survey(s, survey)
                survey_ids.append(survey.id)
                _answer(s, survey, key)
                if key == "negotiate_influence":
                    evidence.record_manual(s, c, casey, step="negotiate", kind="meeting", summary="Provider day",
                                           payload={"attendance": 9, "residents": 3})
            progression.complete_step(s, c, step, casey, override_reason="Recorded on paper for this test")
        return c.id, survey_ids


def _answer(s, survey: Survey, key: str) -> None:
    groups = ["Carer", "Resident", "Carer", None, "Member of staff", "Resident", "Resident"]
    stored = []
    for i, group in enumerate(groups):
        if key == "incubate_plan_check":
            a = {"fits_needs": 1 + i % 5, "agree_with_plan": ["yes", "no", "maybe"][i % 3],
                 "missing": f"Café opening on Sundays, “{i}”, =SUM(A1)" if i % 2 else None}
            if a["agree_with_plan"] != "yes":
                a["what_to_change"] = "More buses, please; and ramps"
        elif key == "negotiate_influence":
            a = {"changed_plans": ["yes", "no", "yes"][i % 3], "listened_to": ["Strongly agree", "Disagree"][i % 2],
                 "how_took_part": ["I filled in a survey", "I went to a meeting"][: 1 + i % 2]}
        else:
            a = {"process_rating": 1 + i % 5, "service_better": ["yes", "maybe", "no"][i % 3],
                 "outcome_rating": 1 + (i * 2) % 5}
        if group:
            a["respondent_group"] = group
        if i % 3 == 0:
            a["age_band"] = "25 to 34"
        stored.append(responses.submit(s, survey, {k: v for k, v in a.items() if v is not None}, secret=SECRET)[0])
    responses.change(s, stored[1], {**stored[1].answers, "respondent_group": "Carer"})
    responses.delete(s, stored[2])


def _figures(store: db.Store, commission_id: int, survey_ids: list[int]) -> dict:
    with store.session() as s:
        c = s.get(Commission, commission_id)
        out = {"steps": {k: [i.as_dict() for i in v] for k, v in ei.for_steps(s, c).items()},
               "overall": [i.as_dict() for i in ei.overall(s, c)]}
        for sid in survey_ids:
            survey = s.get(Survey, sid)
            out[f"results-{sid}"] = results.stored_results(s, survey, c.population_groups, by="respondent_group")
            # submitted_at (column 2) is the clock's, different in each run
            out[f"csv-{sid}"] = [row[:1] + row[2:] for row in exports.stored_rows(s, survey)]
        return out


@pytest.fixture
def sqlite_store(tmp_path):
    url = f"sqlite:///{tmp_path / 'engage.sqlite3'}"
    db.upgrade(url)
    s = db.Store(url)
    yield s
    s.dispose()


def test_indicators_results_and_csv_on_postgresql_equal_sqlite(pg_store, sqlite_store):
    on_pg = _figures(pg_store, *_record(pg_store))
    on_sqlite = _figures(sqlite_store, *_record(sqlite_store))
    # The record is worth comparing: the template shares and means count real answers.
    incubate = {i["key"]: i for i in on_sqlite["steps"]["incubate"]}
    assert incubate["plan_agreement"]["display"] == "3 of 6 respondents: 50%"  # yes at 0, 3, 6; 2 deleted
    representativeness = {i["key"]: i for i in on_sqlite["overall"]}["representativeness_all"]
    assert representativeness["value"] is not None
    for key in on_sqlite:
        assert on_pg[key] == on_sqlite[key], key
