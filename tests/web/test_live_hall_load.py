"""A room of phones voting at once through the real ``/live`` handlers, with the app's vote writer
and broadcaster running as in the server (their own threads here): nothing lost, retries counted
once, tallies exact, and a close in the middle of the burst stores exactly what was acknowledged.
No figure here is a time: the waits are for conditions, with generous limits."""
from __future__ import annotations

import threading
import time
import uuid

import pytest

from engage import create_app
from engage.extensions import socketio_of

from live_support import QUESTIONS, received

MC = 0
PHONES = 40


@pytest.fixture
def app(database_url):
    app = create_app({"DATABASE_URL": database_url})  # the writer and broadcaster loops on
    yield app
    app.extensions["engage.live_votes"].stop()
    app.extensions["engage.live"].stop()
    app.extensions["engage.db"].engine.dispose()


@pytest.fixture
def poll(app, world, team):
    headers = world.token("alice@example.org")
    http = app.test_client()
    made = http.post(f"/api/v1/commissions/{team['mine'].id}/live-sessions", headers=headers,
                     json={"title": "Hall", "step": "initiate", "questions": QUESTIONS})
    assert made.status_code == 201, made.json
    body = made.json
    qid = body["questions"][MC]["id"]

    def post(action):
        response = http.post(f"/api/v1/live-sessions/{body['id']}/questions/{qid}/{action}", headers=headers)
        assert response.status_code == 200, response.json
        return response.json

    post("open")
    post("reveal")
    return {"code": body["code"], "question_id": qid, "post": post, "http": http, "headers": headers,
            "session_id": body["id"]}


def _phones(app, poll, n=PHONES):
    phones = []
    for _ in range(n):
        phone = socketio_of(app).test_client(app, namespace="/live")
        ack = phone.emit("join", {"code": poll["code"]}, namespace="/live", callback=True)
        assert ack["ok"], ack
        phones.append(phone)
    return phones


def _stored(poll) -> dict:
    response = poll["http"].get(f"/api/v1/live-sessions/{poll['session_id']}/questions/{poll['question_id']}/tally",
                                headers=poll["headers"])
    assert response.status_code == 200, response.json
    return response.json


def _burst(phones, question_id, votes_each=1, retry=True):
    """Every phone votes from its own thread, each vote sent twice with the same id when
    ``retry`` (as a phone whose acknowledgement was lost). Returns every ack by phone."""
    acks: dict[int, list] = {i: [] for i in range(len(phones))}

    def run(i, phone):
        for k in range(votes_each):
            payload = {"question_id": question_id, "value": ["Playground", "Lighting", "Benches"][(i + k) % 3],
                       "client_vote_id": str(uuid.uuid4())}
            for _ in range(2 if retry else 1):
                acks[i].append((payload, phone.emit("vote", payload, namespace="/live", callback=True)))

    threads = [threading.Thread(target=run, args=(i, p)) for i, p in enumerate(phones)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return acks


def test_a_room_voting_at_once_loses_nothing_and_retries_count_once(app, poll):
    phones = _phones(app, poll)
    acks = _burst(phones, poll["question_id"])
    for i, sent in acks.items():
        assert [ack["ok"] for _, ack in sent] == [True, True], sent
        assert sent[0][1] == sent[1][1]  # the retry's ack says what the first said
    expected = {"Playground": 0, "Lighting": 0, "Benches": 0}
    for i in acks:
        expected[["Playground", "Lighting", "Benches"][i % 3]] += 1
    stored = _stored(poll)
    assert stored["total"] == PHONES and stored["counts"] == expected

    poll["post"]("close")  # the final tally goes to every phone at once
    for phone in phones:
        last = max((t for t in received(phone, "/live", "tally") if t["question_id"] == poll["question_id"]),
                   key=lambda t: t["seq"])
        assert last["counts"] == expected and last["total"] == PHONES


def test_a_close_in_the_middle_of_a_burst_stores_exactly_what_was_acknowledged(app, poll):
    phones = _phones(app, poll, 24)
    acks: dict[int, list] = {i: [] for i in range(len(phones))}

    def run(i, phone):
        for k in range(8):  # within a phone's burst allowance of 10 events
            payload = {"question_id": poll["question_id"], "value": ["Playground", "Lighting", "Benches"][(i + k) % 3],
                       "client_vote_id": str(uuid.uuid4())}
            acks[i].append((payload, phone.emit("vote", payload, namespace="/live", callback=True)))

    threads = [threading.Thread(target=run, args=(i, p)) for i, p in enumerate(phones)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while sum(len(sent) for sent in acks.values()) < 24 and time.monotonic() < deadline:
        time.sleep(0.005)  # until some votes are in: the close then lands during the burst
    poll["post"]("close")
    for t in threads:
        t.join(60)
    final = {}
    for i, sent in acks.items():
        accepted = [(p, a) for p, a in sent if a["ok"]]
        refused = [a for _, a in sent if not a["ok"]]
        assert {a["error"]["code"] for a in refused} <= {"question_closed"}, [a for a in refused if a["error"]["code"] != "question_closed"]
        # Once one of a phone's votes was refused, none after it was accepted.
        oks = [a["ok"] for _, a in sent]
        assert oks == sorted(oks, reverse=True), oks
        if accepted:
            final[i] = accepted[-1][0]["value"]
    expected = {"Playground": 0, "Lighting": 0, "Benches": 0}
    for value in final.values():
        expected[value] += 1
    stored = _stored(poll)
    assert final and stored["counts"] == expected and stored["total"] == len(final)
