"""A hundred phones against a real server (one process, the embedded SQLite database; half on
WebSocket, half on the long-polling fallback): every accepted vote is stored once, retries
included, and every phone's last tally equals the stored counts. Also: oversized packets are
refused without harm to anyone else, and cannot use up the server's threads."""
from __future__ import annotations

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from .live_servers import (
    EngageServer, LiveClient, api_token, create_session, environment, new_vote_id, prepare_database,
    run_control, stored_tally, wait_for,
)

SMALL_SERVER_THREADS = 4

pytestmark = pytest.mark.integration

CLIENTS = 100
OPTIONS = ["Playground", "Lighting", "Benches", "Toilets"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live-many")
    env = environment(tmp, f"sqlite:///{tmp / 'engage.sqlite3'}")
    prepare_database(env)
    # Every socket holds a server thread (a WebSocket for its lifetime, a long-poll while it waits
    # for news), so the server needs more threads than clients (docs/performance.md, "Live polls").
    engage = EngageServer(env, tmp / "server.log", threads=CLIENTS * 2 + 50)
    yield engage
    engage.stop()


def test_a_hundred_phones_vote_and_all_end_with_the_stored_tally(server):
    headers = api_token(server.base)
    session = create_session(server.base, headers, [
        {"type": "multiple_choice", "text": "Which should come first?", "options": OPTIONS}])
    question_id = session["questions"][0]["id"]
    run_control(server.base, headers, session, 0, "open")
    run_control(server.base, headers, session, 0, "reveal")

    phones = [LiveClient(server.base, "/live", transport=("websocket", "polling")[i % 2]) for i in range(CLIENTS)]
    with ThreadPoolExecutor(max_workers=25) as pool:
        list(pool.map(lambda phone: phone.connect(), phones))
        joins = list(pool.map(lambda phone: phone.call("join", {"code": session["code"]}), phones))
    assert all(ack["ok"] for ack in joins)

    final_votes: dict[int, str] = {}
    lock = threading.Lock()
    rng = random.Random(4)
    # Some phones change their vote once or twice; every fourth also resends each vote with the
    # same client_vote_id, as a phone does when an acknowledgement is lost.
    plans = [[rng.choice(OPTIONS) for _ in range(1 + index % 3)] for index in range(CLIENTS)]

    def vote(index: int) -> list[dict]:
        phone = phones[index]
        acks = []
        for choice in plans[index]:
            vote_id = new_vote_id()
            payload = {"question_id": question_id, "value": choice, "client_vote_id": vote_id}
            ack = phone.call("vote", payload)
            acks.append(ack)
            if index % 4 == 0:
                acks.append(phone.call("vote", payload))
            if ack["ok"]:
                with lock:
                    final_votes[index] = choice
        return acks

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        all_acks = [ack for acks in pool.map(vote, range(CLIENTS)) for ack in acks]
    refused = [ack for ack in all_acks if not ack["ok"]]
    assert refused == [], refused[:3]

    run_control(server.base, headers, session, 0, "close")
    stored = stored_tally(server.base, headers, session, 0)
    expected = Counter(final_votes.values())
    assert stored["counts"] == {option: expected.get(option, 0) for option in OPTIONS}
    assert stored["total"] == len(final_votes) == CLIENTS  # one stored vote per phone, retries counted once

    wait_for(lambda: all((phone.last_tally(question_id) or {}).get("seq") == stored["seq"] for phone in phones),
             timeout=30, message="every phone to receive the final tally")
    for phone in phones:
        last = phone.last_tally(question_id)
        assert last["counts"] == stored["counts"] and last["total"] == stored["total"]
    # Coalesced: far fewer tally messages than votes reached each phone.
    assert max(len(phone.received("tally")) for phone in phones) < len(all_acks)
    # Every phone came from 127.0.0.1: the busiest address's count is recorded (coalesced, not a
    # write per join; a write per join once ran the connection pool dry with a hall joining).
    wait_for(lambda: requests.get(f"{server.base}/api/v1/live-sessions/{session['id']}", headers=headers,
                                  timeout=10).json()["participants_from_busiest_address"] == CLIENTS,
             timeout=10, message="the busiest address's count to be stored")
    for phone in phones:
        phone.close()


def test_an_oversized_packet_is_refused_by_the_transport_and_harms_nobody(server):
    headers = api_token(server.base)
    session = create_session(server.base, headers, [{"type": "open_text", "text": "Anything else?"}])
    question_id = session["questions"][0]["id"]
    run_control(server.base, headers, session, 0, "open")
    attacker = LiveClient(server.base, "/live").connect()
    bystander = LiveClient(server.base, "/live").connect()
    try:
        assert attacker.call("join", {"code": session["code"]})["ok"]
        assert bystander.call("join", {"code": session["code"]})["ok"]
        big = "x" * (20 * 1024)  # over the 16 KB event limit: answered, not stored
        ack = attacker.call("vote", {"question_id": question_id, "value": big, "client_vote_id": new_vote_id()})
        assert ack["ok"] is False and ack["error"]["code"] == "payload_too_large"
        huge = "x" * (200 * 1024)  # over the transport's limit: the connection is dropped
        attacker.sio.emit("vote", {"question_id": question_id, "value": huge, "client_vote_id": new_vote_id()},
                          namespace="/live")
        wait_for(lambda: not attacker.sio.connected, message="the oversized sender to be disconnected")
        ack = bystander.call("vote", {"question_id": question_id, "value": "More benches",
                                      "client_vote_id": new_vote_id()})
        assert ack == {"ok": True, "your_vote": "More benches"}
        assert stored_tally(server.base, headers, session, 0)["total"] == 1
        assert requests.get(server.base + "/healthz", timeout=5).status_code == 200
    finally:
        attacker.close()
        bystander.close()


@pytest.fixture(scope="module")
def small_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live-small")
    env = environment(tmp, f"sqlite:///{tmp / 'engage.sqlite3'}")
    prepare_database(env)
    engage = EngageServer(env, tmp / "server.log", threads=SMALL_SERVER_THREADS)
    yield engage
    engage.stop()


def test_oversized_packets_cannot_use_up_the_servers_threads(small_server):
    """Engine.IO on its own would park one thread per oversized POST for good; see
    engage/realtime/transport.py. More attacks than the server has threads, then a vote."""
    headers = api_token(small_server.base)
    session = create_session(small_server.base, headers, [{"type": "word_cloud", "text": "One word"}])
    question_id = session["questions"][0]["id"]
    run_control(small_server.base, headers, session, 0, "open")
    for i in range(SMALL_SERVER_THREADS + 2):
        attacker = LiveClient(small_server.base, "/live", transport=("polling", "websocket")[i % 2]).connect()
        assert attacker.call("join", {"code": session["code"]})["ok"]
        attacker.sio.emit("vote", {"question_id": question_id, "value": "x" * (200 * 1024),
                                   "client_vote_id": new_vote_id()}, namespace="/live")
        wait_for(lambda: not attacker.sio.connected, message="the oversized sender to be disconnected")
        attacker.close()
    phone = LiveClient(small_server.base, "/live").connect()
    try:
        assert phone.call("join", {"code": session["code"]})["ok"]
        assert phone.call("vote", {"question_id": question_id, "value": "still here",
                                   "client_vote_id": new_vote_id()}) == {"ok": True, "your_vote": ["still here"]}
    finally:
        phone.close()
