"""Ratings, challenges and their answers, sign-off and report versions, in the domain."""
from __future__ import annotations

import pytest

from commissioning_steps import checkpoint_signing, checkpoints, evaluation, evidence, evidence_chain, journey
from commissioning_steps.errors import Conflict, Forbidden, Invalid
from surveys import evaluation_report


def rate_all(db, commission, evaluator, rating="fully_evidenced", commentary=""):
    for step in journey.STEPS:
        evaluation.rate_step(db, commission, evaluator, step=step.key, rating=rating, commentary=commentary)


# -- ratings ---------------------------------------------------------------------------------


def test_a_rating_is_an_automatic_assessment_entry_by_the_evaluator(db, done, people):
    entry = evaluation.rate_step(db, done, people["eve"], step="investigate", rating="partly_evidenced",
                                 commentary="Two themes rest on one workshop")
    assert (entry.kind, entry.step, entry.source) == ("assessment", "investigate", evidence.AUTOMATIC)
    assert entry.author == f"staff#{people['eve'].id}"
    assert entry.payload == {"rating": "partly_evidenced", "commentary": "Two themes rest on one workshop"}
    got = evaluation.ratings(db, done.id)["investigate"]
    assert (got.rating, got.label, got.commentary, got.entry_id) == (
        "partly_evidenced", "Partly evidenced", "Two themes rest on one workshop", entry.id)


def test_the_latest_rating_of_a_step_counts(db, done, people):
    evaluation.rate_step(db, done, people["eve"], step="initiate", rating="not_evidenced", commentary="Nothing yet")
    evaluation.rate_step(db, done, people["eve"], step="initiate", rating="fully_evidenced")
    rated = evaluation.ratings(db, done.id)
    assert set(rated) == {"initiate"}
    assert (rated["initiate"].rating, rated["initiate"].commentary) == ("fully_evidenced", "")


@pytest.mark.parametrize("rating", ["not_evidenced", "partly_evidenced"])
def test_commentary_is_required_unless_fully_evidenced(db, done, people, rating):
    with pytest.raises(Invalid) as exc:
        evaluation.rate_step(db, done, people["eve"], step="initiate", rating=rating, commentary="  ")
    assert "commentary" in exc.value.fields
    assert evaluation.rate_step(db, done, people["eve"], step="initiate", rating="fully_evidenced", commentary=None)


def test_rating_refuses_bad_input_naming_every_field(db, done, people):
    with pytest.raises(Invalid) as exc:
        evaluation.rate_step(db, done, people["eve"], step="celebrate", rating="brilliant", commentary="x" * 2001)
    assert set(exc.value.fields) == {"step", "rating", "commentary"}
    with pytest.raises(Invalid) as exc:
        evaluation.rate_step(db, done, people["eve"], step="initiate", rating="partly_evidenced",
                             commentary="Ring the lead on 07700 900123")
    assert "phone number" in exc.value.fields["commentary"]


def test_a_step_is_rated_only_once_complete(db, fresh, people):
    with pytest.raises(Invalid) as exc:
        evaluation.rate_step(db, fresh, people["eve"], step="initiate", rating="fully_evidenced")
    assert "not complete" in exc.value.fields["step"]


def test_only_the_commissions_evaluators_rate(db, done, people):
    for who in ("casey", "olga"):
        with pytest.raises(Forbidden):
            evaluation.rate_step(db, done, people[who], step="initiate", rating="fully_evidenced")
    assert evaluation.ratings(db, done.id) == {}


def test_assessments_recorded_before_the_evaluation_still_read(db, done, people):
    """Old entries held the rating as "partly answered" and the commentary as the summary."""
    evidence.append(db, done, step="activate", kind="assessment", summary="Facets came from the workshop",
                    payload={"rating": "partly answered"}, author=people["eve"])
    evidence.append(db, done, step="negotiate", kind="assessment", summary="Residents were at every meeting",
                    payload={"rating": "fully answered"}, author=people["eve"])
    rated = evaluation.ratings(db, done.id)
    assert (rated["activate"].rating, rated["activate"].commentary) == ("partly_evidenced", "Facets came from the workshop")
    assert rated["negotiate"].rating == "fully_evidenced"


# -- challenges ------------------------------------------------------------------------------


def test_challenge_on_an_entry_takes_its_step_and_is_on_the_record(db, done, people):
    target = evidence.entries(db, done.id, "collaborate")[0]
    challenge = evaluation.raise_challenge(db, done, people["eve"], entry_id=target.id,
                                           text="What is the source of this figure?")
    assert (challenge.step, challenge.entry_id, challenge.is_open) == ("collaborate", target.id, True)
    entry = evidence.get_entry(db, done.id, challenge.evidence_entry_id)
    assert (entry.kind, entry.source, entry.author) == ("challenge", evidence.AUTOMATIC, f"staff#{people['eve'].id}")
    assert entry.payload["entry_id"] == target.id and entry.payload["challenge_id"] == challenge.id
    assert [t.challenge.id for t in evaluation.challenges(db, done.id, open_only=True)] == [challenge.id]
    assert evaluation.open_challenge_count(db, done.id) == 1


def test_a_commissioner_answers_and_the_thread_stays(db, done, people):
    challenge = evaluation.raise_challenge(db, done, people["eve"], step="incubate", text="Who agreed the plan?")
    first = evaluation.answer_challenge(db, challenge, people["casey"], text="The residents' panel, on 3 March")
    second = evaluation.answer_challenge(db, challenge, people["casey"], text="Minutes are entry 12")
    assert not challenge.is_open and challenge.answered_at == first.answered_at
    assert evaluation.open_challenge_count(db, done.id) == 0
    [thread] = evaluation.challenges(db, done.id)
    assert [a.text for a in thread.answers] == ["The residents' panel, on 3 March", "Minutes are entry 12"]
    entry = evidence.get_entry(db, done.id, second.evidence_entry_id)
    assert (entry.kind, entry.step, entry.author) == ("answer", "incubate", f"staff#{people['casey'].id}")


def test_evaluators_cannot_answer_and_commissioners_cannot_challenge(db, done, people):
    challenge = evaluation.raise_challenge(db, done, people["eve"], step="initiate", text="Which residents?")
    with pytest.raises(Forbidden):
        evaluation.answer_challenge(db, challenge, people["eve"], text="Self-answer")
    with pytest.raises(Forbidden):
        evaluation.raise_challenge(db, done, people["casey"], step="initiate", text="A question")
    with pytest.raises(Forbidden):
        evaluation.raise_challenge(db, done, people["olga"], step="initiate", text="A question")


def test_challenge_input_is_checked(db, done, fresh, people):
    with pytest.raises(Invalid) as exc:
        evaluation.raise_challenge(db, done, people["eve"], step="initiate", text=" ")
    assert set(exc.value.fields) == {"text"}
    foreign = evidence.append(db, fresh, step="initiate", kind="note", summary="Elsewhere", author=people["casey"])
    with pytest.raises(Invalid) as exc:
        evaluation.raise_challenge(db, done, people["eve"], entry_id=foreign.id, text="Source?")
    assert "entry_id" in exc.value.fields
    with pytest.raises(Invalid) as exc:
        evaluation.raise_challenge(db, fresh, people["eve"], step="evaluate", text="Source?")
    assert "not started" in exc.value.fields["step"]
    with pytest.raises(Invalid) as exc:
        evaluation.raise_challenge(db, done, people["eve"], step="initiate", text="Email me at eve@example.org")
    assert "email" in exc.value.fields["text"]
    challenge = evaluation.raise_challenge(db, done, people["eve"], step="initiate", text="Fine")
    with pytest.raises(Invalid):
        evaluation.answer_challenge(db, challenge, people["casey"], text="")


# -- sign-off --------------------------------------------------------------------------------


def test_sign_off_is_refused_while_a_step_is_unrated(db, done, people, signer):
    for step in journey.STEPS[:-1]:
        evaluation.rate_step(db, done, people["eve"], step=step.key, rating="fully_evidenced")
    with pytest.raises(Conflict) as exc:
        evaluation_report.sign_off(db, done, people["eve"], signer)
    assert "Evaluate" in exc.value.fields["ratings"]
    assert evaluation.sign_offs(db, done.id) == []
    assert [e.kind for e in evidence.entries(db, done.id)].count("sign_off") == 0


def test_sign_off_is_refused_while_a_challenge_is_open(db, done, people, signer):
    rate_all(db, done, people["eve"])
    challenge = evaluation.raise_challenge(db, done, people["eve"], step="activate", text="Which facet?")
    with pytest.raises(Conflict) as exc:
        evaluation_report.sign_off(db, done, people["eve"], signer)
    assert set(exc.value.fields) == {"challenges"}
    evaluation.answer_challenge(db, challenge, people["casey"], text="The transport facet")
    assert evaluation_report.sign_off(db, done, people["eve"], signer).version == 1


def test_commissioners_cannot_sign_off(db, done, people, signer):
    rate_all(db, done, people["eve"])
    with pytest.raises(Forbidden):
        evaluation_report.sign_off(db, done, people["casey"], signer)


def test_sign_off_fixes_a_version_anchored_to_the_log_and_a_checkpoint(db, done, people, signer):
    rate_all(db, done, people["eve"], rating="partly_evidenced", commentary="Thin in places")
    row = evaluation_report.sign_off(db, done, people["eve"], signer)
    entry = evidence.get_entry(db, done.id, row.evidence_entry_id)
    assert (entry.kind, entry.step, entry.author) == ("sign_off", "evaluate", f"staff#{people['eve'].id}")
    assert (row.version, row.head, row.entry_count) == (1, entry.hash, entry.seq)
    assert (done.evidence_head, done.evidence_count) == (row.head, row.entry_count)
    assert entry.payload["content_sha256"] == row.content_sha256 == evaluation.content_digest(row.content)
    assert entry.payload["ratings"] == {s.key: "partly_evidenced" for s in journey.STEPS}
    assert [s["commentary"] for s in row.content["steps"]] == ["Thin in places"] * 8
    assert all(s["indicators"] for s in row.content["steps"])
    checkpoint = checkpoints.latest(db, done.id)
    assert checkpoint.id == row.checkpoint_id and checkpoint.head == row.head
    assert checkpoint_signing.verify_signature(checkpoint.as_dict(), signer.public_key) is None
    report = evaluation_report.report(db, done)
    assert (report["version"], report["draft"], report["head"], report["entry_count"]) == (1, False, row.head, row.entry_count)
    assert report["verification"]["ok"] and report["signed_off"]["by"].startswith("Eve")


def test_evidence_after_sign_off_is_marked_and_a_new_sign_off_is_a_new_version(db, done, people, signer):
    rate_all(db, done, people["eve"])
    first = evaluation_report.sign_off(db, done, people["eve"], signer)
    before = evidence.entries(db, done.id)
    assert not any(evaluation.is_after_sign_off(db, e) for e in before)
    later = evidence.append(db, done, step="evaluate", kind="note", summary="A late survey result", author=people["casey"])
    assert evaluation.is_after_sign_off(db, later)
    assert evaluation_report.report(db, done)["entries_after_sign_off"] == 1
    evaluation.rate_step(db, done, people["eve"], step="evaluate", rating="partly_evidenced", commentary="Late data")
    second = evaluation_report.sign_off(db, done, people["eve"], signer)
    assert second.version == 2 and second.entry_count > first.entry_count
    assert not evaluation.is_after_sign_off(db, later)
    assert [v.version for v in evaluation.sign_offs(db, done.id)] == [2, 1]
    old = evaluation_report.report(db, done, version=1)
    assert (old["head"], old["entry_count"]) == (first.head, first.entry_count)
    assert old["steps"][-1]["rating"] == "fully_evidenced"
    assert old["verification"]["ok"], "a version verifies against the log up to its own count"
    assert evaluation_report.report(db, done)["steps"][-1]["rating"] == "partly_evidenced"


def test_the_draft_is_the_record_as_it_stands(db, done, people):
    evaluation.rate_step(db, done, people["eve"], step="initiate", rating="not_evidenced", commentary="Nothing")
    report = evaluation_report.report(db, done)
    assert report["draft"] and report["version"] is None and report["notice"] == "Draft, not signed off"
    assert (report["head"], report["entry_count"]) == (done.evidence_head, done.evidence_count)
    assert [s["practice_question"] for s in report["steps"]] == [s.practice_question for s in journey.STEPS]
    assert report["steps"][0]["rating_label"] == "Not evidenced"
    assert report["steps"][0]["evidence_count"] == 2  # the override and the rating itself


def test_step_dates_come_from_the_recorded_events(db, done, fresh):
    dates = evaluation.step_dates(db, done)
    assert dates["initiate"]["started"] == done.created_at
    assert all(dates[s.key]["completed"] for s in journey.STEPS)
    assert all(dates[s.key]["started"] for s in journey.STEPS)
    assert dates["investigate"]["started"] >= dates["initiate"]["completed"]
    fresh_dates = evaluation.step_dates(db, fresh)
    assert fresh_dates["initiate"]["completed"] is None and fresh_dates["investigate"]["started"] is None


def test_a_version_verification_catches_a_broken_chain(db, done, people, signer):
    rate_all(db, done, people["eve"])
    row = evaluation_report.sign_off(db, done, people["eve"], signer)
    bad = evaluation_report._verification(db, done, row.entry_count, "f" * 64)
    assert not bad["ok"] and bad["reason"] == "latest entry is not the one on record"
    assert evidence_chain.GENESIS != row.head
