"""The server killed with SIGKILL in the middle of a burst of votes and survey submissions.

A real ``python -m engage.serve`` (gevent, SQLite with ``synchronous=FULL``, as ``make run``
serves it) takes votes from socket.io phones and survey responses from HTTP clients, all at once;
once some of each have been acknowledged, the server's whole process group is killed with
SIGKILL, with more in flight. It is started again on the same database, and every client sends
everything again with the same ids (``client_vote_id``, ``Idempotency-Key``), acknowledged or
not, as a phone or a form does after losing its connection. Then:

- every vote and response acknowledged before the kill is stored, before any retry;
- after the retries each ``client_vote_id`` has one receipt, each participant one vote (the last
  it sent), each ``Idempotency-Key`` one response, and the retries of acknowledged ones were
  answered as the first answers were (the same vote, the same receipt);
- the evidence chain verifies, with the entries closing the poll and the survey appended after
  the restart.

No figure here is a time: the waits are for conditions, with generous limits. That a vote is
answered only after its batch committed is shown deterministically by
``tests/unit/realtime/test_vote_writer.py`` (a kill lands between the two too rarely to test it
here); this test shows that what was committed survives the kill and that retries count once.
"""
from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import threading
import uuid

import pytest
import requests
import socketio

from .live_servers import (
    EngageServer, api_token, create_session, environment, prepare_database, run_control, wait_for,
)

pytestmark = pytest.mark.integration

OPTIONS = ["Playground", "Lighting", "Benches"]
PHONES, VOTES_EACH = 16, 5
SUBMITTERS, RESPONSES_EACH = 6, 8
ANSWERS = {"park": "Meadow", "score": 4, "comments": "Lovely"}
SURVEY = [
    {"id": "park", "type": "single_choice", "text": "Which park?", "options": ["Rosehill", "Meadow"], "required": True},
    {"id": "score", "type": "rating", "text": "How good is it?", "min": 1, "max": 5},
    {"id": "comments", "type": "free_text", "text": "Anything else?", "max_length": 100},
]


class Phone:
    """A resident's phone: joins once, keeps its participant token, sends its votes in order,
    each with its own ``client_vote_id``; after a lost connection it joins again with the token
    and sends them all again."""

    def __init__(self, index: int) -> None:
        self.votes = [{"value": OPTIONS[(index + k) % 3], "client_vote_id": str(uuid.uuid4())}
                      for k in range(VOTES_EACH)]
        self.token: str | None = None
        self.acks: dict[str, dict] = {}  # client_vote_id -> acknowledgement, before the kill
        self.sio: socketio.Client | None = None

    def connect(self, base: str, code: str) -> None:
        self.sio = socketio.Client(reconnection=False, request_timeout=20)
        self.sio.connect(base, namespaces=["/live"], transports=["websocket"], wait_timeout=15)
        joined = self.sio.call("join", {"code": code, **({"participant": self.token} if self.token else {})},
                               namespace="/live", timeout=20)
        assert joined["ok"], joined
        self.token = joined["participant"]

    def vote(self, question_id: int, vote: dict) -> dict:
        return self.sio.call("vote", {"question_id": question_id, **vote}, namespace="/live", timeout=20)

    def burst(self, question_id: int) -> None:
        """Until the server goes: what was acknowledged is recorded, the rest is lost."""
        try:
            for vote in self.votes:
                ack = self.vote(question_id, vote)
                assert ack["ok"], ack
                self.acks[vote["client_vote_id"]] = ack
        except (socketio.exceptions.SocketIOError, OSError):
            pass

    def close(self) -> None:
        if self.sio is not None and self.sio.connected:
            self.sio.disconnect()


class Submitter:
    """A resident's browser sending survey answers, each submission with its own key."""

    def __init__(self) -> None:
        self.keys = [str(uuid.uuid4()) for _ in range(RESPONSES_EACH)]
        self.acks: dict[str, str] = {}  # Idempotency-Key -> receipt, before the kill

    def submit(self, base: str, survey_id: int, key: str) -> requests.Response:
        return requests.post(f"{base}/api/v1/surveys/{survey_id}/responses", json={"answers": ANSWERS},
                             headers={"Idempotency-Key": key}, timeout=20)

    def burst(self, base: str, survey_id: int) -> None:
        try:
            for key in self.keys:
                response = self.submit(base, survey_id, key)
                assert response.status_code == 201, response.text
                self.acks[key] = response.json()["receipt"]
        except requests.RequestException:
            pass


def _kill(server: EngageServer) -> None:
    """SIGKILL to the server's own process group (gunicorn's master and its worker, which this
    test started in a session of their own): no shutdown code runs."""
    os.killpg(server.proc.pid, signal.SIGKILL)
    server.proc.wait(timeout=10)
    server._log.close()


def _query(path: str, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _key_digest(survey_id: int, key: str) -> str:
    return hashlib.sha256(f"{survey_id}:{key}".encode()).hexdigest()  # how a submission key is stored


def test_sigkill_in_a_burst_loses_nothing_acknowledged_and_retries_count_once(tmp_path):
    db_path = tmp_path / "engage.sqlite3"
    env = environment(tmp_path, f"sqlite:///{db_path}", SQLITE_SYNCHRONOUS="FULL", ENGAGE_SERVER="gevent")
    prepare_database(env)
    server = EngageServer(env, tmp_path / "first.log")
    try:
        headers = api_token(server.base)
        live = create_session(server.base, headers, [{"type": "multiple_choice", "text": "Which first?",
                                                      "options": OPTIONS}])
        run_control(server.base, headers, live, 0, "open")
        question_id = live["questions"][0]["id"]
        commission_id = live["commission_id"]
        made = requests.post(f"{server.base}/api/v1/commissions/{commission_id}/surveys", headers=headers, timeout=20,
                             json={"title": "Fault survey", "step": live["step"], "questions": SURVEY})
        assert made.status_code == 201, made.text
        survey_id = made.json()["id"]
        requests.post(f"{server.base}/api/v1/surveys/{survey_id}/open", headers=headers,
                      timeout=20).raise_for_status()

        phones = [Phone(i) for i in range(PHONES)]
        for phone in phones:
            phone.connect(server.base, live["code"])
        submitters = [Submitter() for _ in range(SUBMITTERS)]
        threads = [threading.Thread(target=p.burst, args=(question_id,)) for p in phones]
        threads += [threading.Thread(target=s.burst, args=(server.base, survey_id)) for s in submitters]
        for t in threads:
            t.start()
        # Kill once some of each are in (and, with more still to send, others in flight).
        wait_for(lambda: sum(len(p.acks) for p in phones) >= PHONES and
                 sum(len(s.acks) for s in submitters) >= SUBMITTERS, 60, "acknowledged votes and responses")
        _kill(server)
        for t in threads:
            t.join(60)
        for phone in phones:
            phone.close()
    finally:
        if server.proc.poll() is None:
            server.stop()

    acked_votes = {cvid for p in phones for cvid in p.acks}
    acked_responses = {key for s in submitters for key in s.acks}
    sent_votes = PHONES * VOTES_EACH
    assert 0 < len(acked_votes) < sent_votes or 0 < len(acked_responses) < SUBMITTERS * RESPONSES_EACH, \
        "the kill came after everything was in: no burst was interrupted"

    # Durable before any retry: everything acknowledged is in the file the dead server left.
    stored_cvids = {row[0] for row in _query(str(db_path), "SELECT client_vote_id FROM live_vote_receipts "
                                                         "WHERE question_id = ?", (question_id,))}
    assert acked_votes <= stored_cvids
    stored_keys = {row[0] for row in _query(str(db_path), "SELECT submission_key FROM survey_responses "
                                                        "WHERE survey_id = ?", (survey_id,))}
    assert {_key_digest(survey_id, key) for key in acked_responses} <= stored_keys

    restarted = EngageServer(env, tmp_path / "second.log")
    try:
        # Every client sends everything again with the same ids, acknowledged or not.
        for phone in phones:
            phone.connect(restarted.base, live["code"])
            for vote in phone.votes:
                ack = phone.vote(question_id, vote)
                assert ack["ok"] and ack["your_vote"] in OPTIONS, ack  # retries included: answered, not refused
            phone.close()
        for submitter in submitters:
            for key in submitter.keys:
                response = submitter.submit(restarted.base, survey_id, key)
                assert response.status_code in (200, 201), response.text
                if key in submitter.acks:
                    assert response.status_code == 200 and response.json()["receipt"] == submitter.acks[key]

        path = str(db_path)
        receipts = _query(path, "SELECT client_vote_id, count(*) FROM live_vote_receipts WHERE question_id = ? "
                                "GROUP BY client_vote_id", (question_id,))
        assert len(receipts) == sent_votes and all(n == 1 for _, n in receipts)
        votes = dict(_query(path, "SELECT participant, count(*) FROM live_votes WHERE question_id = ? "
                                  "GROUP BY participant", (question_id,)))
        assert len(votes) == PHONES and set(votes.values()) == {1}
        expected = {option: 0 for option in OPTIONS}
        for phone in phones:
            expected[phone.votes[-1]["value"]] += 1
        tally = requests.get(f"{restarted.base}/api/v1/live-sessions/{live['id']}/questions/{question_id}/tally",
                             headers=headers, timeout=20).json()
        assert tally["counts"] == expected and tally["total"] == PHONES

        responses = _query(path, "SELECT submission_key, count(*) FROM survey_responses WHERE survey_id = ? "
                                 "GROUP BY submission_key", (survey_id,))
        assert sorted(k for k, _ in responses) == sorted(_key_digest(survey_id, k) for s in submitters for k in s.keys)
        assert all(n == 1 for _, n in responses)

        # The evidence chain holds, with the closes after the restart appended to it.
        run_control(restarted.base, headers, live, 0, "close")
        requests.post(f"{restarted.base}/api/v1/surveys/{survey_id}/close", headers=headers,
                      timeout=20).raise_for_status()
        verified = requests.get(f"{restarted.base}/api/v1/commissions/{commission_id}/evidence/verify",
                                headers=headers, timeout=20).json()
        assert verified["ok"], verified
        kinds = [row[0] for row in _query(path, "SELECT kind FROM evidence_entries WHERE commission_id = ? "
                                                "ORDER BY seq", (commission_id,))]
        assert kinds[-2:] == ["poll_result", "survey_result"]
    finally:
        restarted.stop()
