"""Two Engage processes sharing a PostgreSQL database and a Redis message queue: a resident on
process A votes, the presenter on process B sees the tally and the participant count, and the
presenter's controls on B reach the phone on A. This is the deployment README describes."""
from __future__ import annotations

import json
import threading

import pytest
import redis

from .live_servers import (
    EngageServer, LiveClient, api_token, create_session, environment, new_vote_id, prepare_database,
    redis_server, run_control, signed_in_cookie, stored_tally, wait_for,
)

pytestmark = pytest.mark.integration

QUESTIONS = [{"type": "multiple_choice", "text": "Which should come first?", "options": ["Playground", "Lighting", "Benches"]},
             {"type": "word_cloud", "text": "One word for the park"}]


@pytest.fixture(scope="module")
def two_processes(pg_url, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live-scale-out")
    with redis_server(tmp) as queue:
        env = environment(tmp, pg_url, SOCKETIO_MESSAGE_QUEUE=queue)
        prepare_database(env)
        a = EngageServer(env, tmp / "a.log")
        try:
            b = EngageServer(env, tmp / "b.log")
            a.queue = b.queue = queue
            try:
                yield a, b
            finally:
                b.stop()
        finally:
            a.stop()


def test_a_vote_on_one_process_reaches_the_presenter_on_another(two_processes):
    a, b = two_processes
    headers = api_token(b.base)
    session = create_session(b.base, headers, QUESTIONS)
    question_id = session["questions"][0]["id"]

    presenter = LiveClient(b.base, "/presenter", signed_in_cookie(b.base)).connect()
    phone = LiveClient(a.base, "/live", transport="websocket").connect()
    try:
        watched = presenter.call("watch", {"session_id": session["id"]})
        assert watched["ok"], watched
        joined = phone.call("join", {"code": session["code"]})
        assert joined["ok"], joined

        # The presenter's process counts a participant who is connected to the other process.
        wait_for(lambda: {"count": 1} in presenter.received("participants"), message="the participant count on B")

        # Opening voting through process B reaches the phone on process A.
        run_control(b.base, headers, session, 0, "open")
        wait_for(lambda: any(m["question"] and m["question"]["state"] == "open" for m in phone.received("question")),
                 message="the phone on A to see voting open")

        ack = phone.call("vote", {"question_id": question_id, "value": "Lighting", "client_vote_id": new_vote_id()})
        assert ack == {"ok": True, "your_vote": "Lighting"}
        wait_for(lambda: (presenter.last_tally(question_id) or {}).get("total") == 1,
                 message="the tally on B to include the vote cast on A")
        assert presenter.last_tally(question_id)["counts"] == {"Playground": 0, "Lighting": 1, "Benches": 0}
        assert phone.received("tally") == []  # results are hidden from phones until revealed

        # Revealing and closing on B: the phone on A gets the exact final tally.
        run_control(b.base, headers, session, 0, "reveal")
        run_control(b.base, headers, session, 0, "close")
        final = stored_tally(a.base, headers, session, 0)
        wait_for(lambda: (phone.last_tally(question_id) or {}).get("seq") == final["seq"],
                 message="the final tally on A")
        assert phone.last_tally(question_id)["counts"] == final["counts"]
        assert presenter.last_tally(question_id)["counts"] == final["counts"]
        refused = phone.call("vote", {"question_id": question_id, "value": "Benches", "client_vote_id": new_vote_id()})
        assert refused["ok"] is False and refused["error"]["code"] == "question_closed"
    finally:
        phone.close()
        presenter.close()


def test_presence_is_counted_once_across_processes(two_processes):
    a, b = two_processes
    headers = api_token(a.base)
    session = create_session(a.base, headers, QUESTIONS)
    presenter = LiveClient(a.base, "/presenter", signed_in_cookie(a.base)).connect()
    on_a = LiveClient(a.base, "/live").connect()
    on_b = LiveClient(b.base, "/live").connect()
    other = LiveClient(b.base, "/live").connect()
    try:
        assert presenter.call("watch", {"session_id": session["id"]})["ok"]
        token = on_a.call("join", {"code": session["code"]})["participant"]
        assert on_b.call("join", {"code": session["code"], "participant": token})["participant"] == token
        assert other.call("join", {"code": session["code"]})["ok"]
        wait_for(lambda: presenter.received("participants")[-1:] == [{"count": 2}],
                 message="two people (three sockets on two processes)")
        other.close()
        wait_for(lambda: presenter.received("participants")[-1:] == [{"count": 1}], message="one person left")
    finally:
        for client in (on_a, on_b, other, presenter):
            client.close()


class QueueTallies:
    """The ``tally`` emits Flask-SocketIO publishes on the Redis message queue, as they pass."""

    def __init__(self, url: str) -> None:
        self._pubsub = redis.Redis.from_url(url).pubsub(ignore_subscribe_messages=True)
        self._pubsub.subscribe("flask-socketio")
        self.tallies: list[dict] = []
        self._thread = threading.Thread(target=self._listen, daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        try:
            for message in self._pubsub.listen():
                data = json.loads(message["data"])
                if data.get("method") == "emit" and data.get("event") == "tally":
                    payload = data["data"]  # the emit's arguments
                    self.tallies.append(payload[0] if isinstance(payload, list) else payload)
        except (redis.ConnectionError, ValueError):
            pass  # closed by the test

    def close(self) -> None:
        self._pubsub.close()


def test_each_process_sends_current_tallies_to_its_own_sockets(two_processes):
    """Votes on either process reach the phones and the presenter on both, with no tally on the
    queue: each process reads the question's seq and sends to its own sockets. The close's
    final tally still crosses the queue, and is exact everywhere."""
    a, b = two_processes
    headers = api_token(a.base)
    session = create_session(a.base, headers, QUESTIONS)
    question_id = session["questions"][0]["id"]
    run_control(a.base, headers, session, 0, "open")
    run_control(a.base, headers, session, 0, "reveal")
    queue = QueueTallies(a.queue)
    presenter = LiveClient(b.base, "/presenter", signed_in_cookie(b.base)).connect()
    on_a = [LiveClient(a.base, "/live", transport="websocket").connect() for _ in range(2)]
    on_b = [LiveClient(b.base, "/live").connect() for _ in range(2)]  # long-polling on B
    phones = on_a + on_b
    try:
        assert presenter.call("watch", {"session_id": session["id"]})["ok"]
        for phone in phones:
            assert phone.call("join", {"code": session["code"]})["ok"]

        def everyone_sees(expected: dict) -> None:
            for client in phones + [presenter]:
                wait_for(lambda: (client.last_tally(question_id) or {}).get("counts") == expected,
                         message=f"{expected} on every phone and the presenter, on both processes")

        for phone, value in zip(on_b + on_a[:1], ["Lighting", "Benches", "Lighting"]):
            ack = phone.call("vote", {"question_id": question_id, "value": value, "client_vote_id": new_vote_id()})
            assert ack["ok"], ack
        everyone_sees({"Playground": 0, "Lighting": 2, "Benches": 1})
        # One more vote on A, when nothing else is pending anywhere: B's phones and presenter
        # can only learn of it from B's own look at the question's seq (or from the queue).
        ack = on_a[1].call("vote", {"question_id": question_id, "value": "Playground", "client_vote_id": new_vote_id()})
        assert ack["ok"], ack
        expected = {"Playground": 1, "Lighting": 2, "Benches": 1}
        everyone_sees(expected)
        assert queue.tallies == []  # live tallies never crossed the queue

        run_control(a.base, headers, session, 0, "close")
        final = stored_tally(a.base, headers, session, 0)
        assert final["counts"] == expected
        for client in phones + [presenter]:
            wait_for(lambda: (client.last_tally(question_id) or {}).get("seq") == final["seq"],
                     message="the close's final tally on both processes")
            assert client.last_tally(question_id)["counts"] == expected
        wait_for(lambda: any(t["seq"] == final["seq"] for t in queue.tallies),
                 message="the final tally published on the queue")
    finally:
        queue.close()
        for client in phones + [presenter]:
            client.close()
