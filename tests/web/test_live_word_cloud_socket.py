"""Issue 8 point 19 on the socket: a phone sends several words to a word cloud, each ack says
what the phone has sent (``your_vote``), it can take one back (``withdraw``), and a phone that
reloads gets its words back in the join acknowledgement."""
from __future__ import annotations

from live_support import (  # noqa: F401  (app and clock are fixtures)
    app, clock, control, join, received, resident, running_session, stored_votes, vote,
)

MC, RATING, CLOUD, RANKING, OPEN_TEXT, QA = range(6)


def _withdraw(client, question_id: int, value, client_vote_id: str) -> dict:
    return client.emit("withdraw", {"question_id": question_id, "value": value, "client_vote_id": client_vote_id},
                       namespace="/live", callback=True)


def test_a_phone_sends_several_words_and_sees_them(app, running_session):
    control(running_session, "open", CLOUD)
    qid = running_session["questions"][CLOUD]
    phone = resident(app)
    ack = join(phone, running_session["code"])
    assert ack["question"]["adds_answers"] is True and ack["question"]["max_answers"] == 3
    assert ack["question"]["max_words"] == 3
    assert ack["question"]["hint"] == "Up to 3 words or short phrases, sent one at a time, each up to 40 characters."
    assert vote(phone, qid, "Transport") == {"ok": True, "your_vote": ["Transport"]}
    assert vote(phone, qid, "Parking", "p-1") == {"ok": True, "your_vote": ["Transport", "Parking"]}
    assert vote(phone, qid, "Parking", "p-1") == {"ok": True, "your_vote": ["Transport", "Parking"]}  # a retry
    same = vote(phone, qid, "transport")
    assert same["ok"] is False and same["error"]["code"] == "invalid_value" and "already" in same["error"]["message"]
    assert stored_votes(app, qid) == 2
    reloaded = resident(app)
    again = join(reloaded, running_session["code"], ack["participant"])
    assert again["your_vote"] == ["Transport", "Parking"]


def test_a_phone_takes_one_of_its_words_back(app, running_session, clock):
    control(running_session, "open", CLOUD)
    control(running_session, "reveal", CLOUD)
    qid = running_session["questions"][CLOUD]
    phone = resident(app)
    join(phone, running_session["code"])
    for word in ("Buses", "Trees", "Bins"):
        vote(phone, qid, word)
    full = vote(phone, qid, "Lights")
    assert full["error"]["code"] == "invalid_value" and "Remove one of yours to send another" in full["error"]["message"]
    app.extensions["engage.live"].tick(now=clock.advance(1))
    assert received(phone, "/live", "tally")[-1]["counts"] == {"bins": 1, "buses": 1, "trees": 1}
    assert _withdraw(phone, qid, "Trees", "w-1") == {"ok": True, "your_vote": ["Buses", "Bins"]}
    assert _withdraw(phone, qid, "Trees", "w-1") == {"ok": True, "your_vote": ["Buses", "Bins"]}  # a retry
    assert _withdraw(phone, qid, "Trees", "w-2")["error"]["code"] == "unknown_entry"
    app.extensions["engage.live"].tick(now=clock.advance(1))
    tally = received(phone, "/live", "tally")[-1]
    assert tally["counts"] == {"bins": 1, "buses": 1} and tally["total"] == 1 and tally["words"] == 2
    assert vote(phone, qid, "Lights")["your_vote"] == ["Buses", "Bins", "Lights"]


def test_withdrawing_is_refused_where_answers_are_replaced(app, running_session):
    control(running_session, "open", RATING)
    phone = resident(app)
    join(phone, running_session["code"])
    vote(phone, running_session["questions"][RATING], 4)
    refused = _withdraw(phone, running_session["questions"][RATING], 4, "w-1")
    assert refused["ok"] is False and refused["error"]["code"] == "invalid_value"
    bad = phone.emit("withdraw", {"question_id": running_session["questions"][RATING]}, namespace="/live",
                     callback=True)
    assert bad["error"]["code"] == "bad_request"
