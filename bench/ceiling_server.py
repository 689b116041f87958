"""The ceiling: the least a Socket.IO server must do for a live poll, to measure Engage against.

    python bench/ceiling_server.py --port 5055 --code BENCH2 --options A,B,C [--server pywsgi]

python-socketio under gevent (gunicorn's gevent worker, one worker, as Flask-SocketIO documents
for production; or gevent's own pywsgi server with ``--server pywsgi``), and nothing else: no
Flask, no database, no evidence, no rate limits. It speaks the ``/live`` namespace of
docs/live-protocol.md with the same event names and payload shapes as Engage, so the same
phones (bench/phones.mjs) drive both:

- ``join`` ``{"code", "participant"?}``: acknowledged with a participant token, the session, the
  question and its current tally (results are shown from the start);
- ``vote`` ``{"question_id", "value", "client_vote_id"}``: one vote per participant (a new vote
  replaces the old one), a ``client_vote_id`` counts once however often it is resent, and the
  acknowledgement ``{"ok": true}`` is sent once the vote is in the in-memory count;
- ``tally`` to the room, coalesced as Engage does: the first change after a quiet spell is
  sent at once, later ones at most every ``max(--interval, sockets joined here /
  --send-budget)`` seconds (0.2 s, or 0.4 s for 2,000 phones with the budget of 5,000 sends a
  second Engage has by default; ``--send-budget 0`` for a fixed ``--interval``), one encoded
  message per room; ``participants`` at most every 0.5 s when the count changed.

It declines WebSocket compression (permessage-deflate), which browsers and Node's ``ws`` offer:
simple-websocket, the WebSocket layer python-engineio uses here as in Engage, accepts it whenever
it is offered and then compresses every message, which costs each connection its own zlib
state (about 100 KB) and each message a compression. Tallies are a few hundred bytes: a server
loses nothing by declining. ``--accept-deflate`` accepts it, to measure what it costs.

With ``--redis URL`` it runs as one of several processes (bench/hall.py ``--processes N --redis``):
the poll's state lives in Redis, not in the process, and python-socketio's ``RedisManager``
carries every emit to the sockets of every process. A vote is one Lua script (receipt, vote,
counts and ``seq`` in one atomic step, refused once the question is closed) and is acknowledged
once Redis answered; each process's broadcaster coalesces its own votes as above and reads the
shared tally (one pipeline) before sending it to the room, so a phone sees every process's votes
and keeps the tally with the highest ``seq``, as with Engage. That is the least a server must do
to share a poll across processes; Engage shares it through PostgreSQL instead. Like Engage, every
process then sends its own tallies, so a phone gets one an interval from each process;
``--local-tallies`` measures the alternative: tallies sent to the process's own sockets only
(``ignore_queue``), other processes' votes noticed by reading ``seq`` once an interval.

A few plain HTTP endpoints let the harness run the poll as a presenter would:
``GET /healthz``; ``GET /bench/state`` (counts, total, seq, every stored ``client_vote_id``);
``POST /bench/close`` (closes the question, sends ``question`` and the exact final tally at once,
answers as ``/bench/state``).
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time

LIVE = "/live"
PARTICIPANTS_INTERVAL = 0.5

#: One vote, atomically: KEYS receipts, votes, counts, seq, state; ARGV participant, value, cid.
#: Returns 1 when counted (or unchanged), 0 for a resend of a cid, -1 once the question closed.
CAST = """
local receipt = ARGV[1] .. ' ' .. ARGV[3]
if redis.call('SISMEMBER', KEYS[1], receipt) == 1 then return 0 end
if redis.call('GET', KEYS[5]) == 'closed' then return -1 end
redis.call('SADD', KEYS[1], receipt)
local previous = redis.call('HGET', KEYS[2], ARGV[1])
if previous == ARGV[2] then return 1 end
if previous then redis.call('HINCRBY', KEYS[3], previous, -1) end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
redis.call('INCR', KEYS[4])
return 1
"""


class Poll:
    """One live session with one open multiple-choice question, counted in memory.

    Everything runs in one gevent hub (one OS thread), and nothing below yields to another
    greenlet, so no locks are needed.
    """

    def __init__(self, code: str, options: list[str], question_id: int = 1, session_id: int = 1) -> None:
        self.code = code
        self.options = options
        self.question_id = question_id
        self.session_id = session_id
        self.room = f"session:{session_id}"
        self.state = "open"
        self.votes: dict[str, str] = {}  # participant -> option
        self.receipts: dict[str, set[str]] = {}  # participant -> client_vote_ids used
        self.counts = {option: 0 for option in options}
        self.seq = 0
        self.joined: dict[str, str] = {}  # sid -> participant

    def session_view(self) -> dict:
        return {"id": self.session_id, "title": "Bench", "code": self.code}

    def question_view(self) -> dict:
        return {"id": self.question_id, "type": "multiple_choice", "text": "Which first?", "options": self.options,
                "multiple": False, "renderer": "choice", "label": "Multiple choice, choose one", "hint": "Choose one",
                "answers": "counted", "asks": False, "noun": ["response", "responses"], "moderation": [],
                "choices": [{"value": o, "label": o} for o in self.options], "state": self.state, "revealed": True,
                "number": 1, "of": 1}

    def tally(self) -> dict:
        total = len(self.votes)
        chart = [{"label": o, "count": c, "percent": round(100 * c / total, 1) if total else 0.0}
                 for o, c in self.counts.items()]
        return {"question_id": self.question_id, "counts": dict(self.counts), "total": total, "seq": self.seq,
                "chart": chart}

    def known(self, participant: str) -> bool:
        return participant in self.receipts

    def new_participant(self) -> str:
        token = secrets.token_urlsafe(16)
        self.receipts[token] = set()
        return token

    def vote_of(self, participant: str) -> str | None:
        return self.votes.get(participant)

    def participants(self) -> int:
        return len(set(self.joined.values()))

    def cast(self, participant: str, value: str, client_vote_id: str) -> bool:
        """Count a vote; False when it is a resend of a ``client_vote_id`` (counted before)."""
        used = self.receipts.setdefault(participant, set())
        if client_vote_id in used:
            return False
        used.add(client_vote_id)
        previous = self.votes.get(participant)
        if previous == value:
            return True
        if previous is not None:
            self.counts[previous] -= 1
        self.votes[participant] = value
        self.counts[value] += 1
        self.seq += 1
        return True

    def report(self) -> dict:
        return {**self.tally(), "state": self.state, "joined_sockets": len(self.joined),
                "client_vote_ids": sorted(v for ids in self.receipts.values() for v in ids)}


class SharedPoll(Poll):
    """The same poll with its state in Redis, shared by every process of the ceiling.

    Only the sockets joined here (``joined``) stay in the process; participants, votes, receipts,
    counts, ``seq`` and the question's state are Redis keys, written atomically by ``CAST``.
    """

    KEYS = ("ceiling:receipts", "ceiling:votes", "ceiling:counts", "ceiling:seq", "ceiling:state")

    def __init__(self, code: str, options: list[str], url: str) -> None:
        import redis

        super().__init__(code, options)
        # A bounded pool that makes a greenlet wait for a free connection: redis-py's default
        # pool refuses ("Too many connections") when a thousand phones join at once.
        pool = redis.BlockingConnectionPool.from_url(url, max_connections=64, timeout=60, decode_responses=True)
        self.redis = redis.Redis(connection_pool=pool)
        self.cast_script = self.redis.register_script(CAST)
        self.process = secrets.token_hex(4)

    @property
    def state(self) -> str:
        return self.redis.get(self.KEYS[4]) or "open"

    @state.setter
    def state(self, value: str) -> None:
        if value == "closed":  # Poll.__init__ sets "open", which is the absence of the key
            self.redis.set(self.KEYS[4], value)

    def known(self, participant: str) -> bool:
        return bool(self.redis.sismember("ceiling:participants", participant))

    def new_participant(self) -> str:
        token = secrets.token_urlsafe(16)
        self.redis.sadd("ceiling:participants", token)
        return token

    def vote_of(self, participant: str) -> str | None:
        return self.redis.hget(self.KEYS[1], participant)

    def cast(self, participant: str, value: str, client_vote_id: str) -> int:
        return int(self.cast_script(keys=list(self.KEYS), args=[participant, value, client_vote_id]))

    def tally(self) -> dict:
        pipe = self.redis.pipeline(transaction=True)
        pipe.get(self.KEYS[3])
        pipe.hgetall(self.KEYS[2])
        pipe.hlen(self.KEYS[1])
        seq, stored, total = pipe.execute()
        counts = {o: int(stored.get(o, 0)) for o in self.options}
        chart = [{"label": o, "count": c, "percent": round(100 * c / total, 1) if total else 0.0}
                 for o, c in counts.items()]
        return {"question_id": self.question_id, "counts": counts, "total": total, "seq": int(seq or 0),
                "chart": chart}

    def seq_now(self) -> int:
        return int(self.redis.get(self.KEYS[3]) or 0)

    def participants(self) -> int:
        self.redis.hset("ceiling:joined", self.process, len(set(self.joined.values())))
        return sum(int(n) for n in self.redis.hvals("ceiling:joined"))

    def report(self) -> dict:
        ids = sorted(entry.split(" ", 1)[1] for entry in self.redis.smembers(self.KEYS[0]))
        return {**self.tally(), "state": self.state, "joined_sockets": len(self.joined), "client_vote_ids": ids}


def error(code: str, message: str) -> dict:
    return {"ok": False, "error": {"code": code, "message": message}}


def build(code: str, options: list[str], interval: float, accept_deflate: bool = False, redis_url: str | None = None,
          local_tallies: bool = False, send_budget: float = 0):
    """The WSGI application: Socket.IO at /socket.io, the harness's endpoints beside it."""
    import gevent
    import gevent.event
    import socketio

    shared = redis_url is not None
    local_tallies = local_tallies and shared
    poll = SharedPoll(code, options, redis_url) if shared else Poll(code, options)
    manager = socketio.RedisManager(redis_url, channel="ceiling") if redis_url else None
    sio = socketio.Server(async_mode="gevent", cors_allowed_origins=[], logger=False, engineio_logger=False,
                          max_http_buffer_size=64 * 1024, client_manager=manager)
    wake = gevent.event.Event()
    state = {"dirty": False, "next_tally": 0.0, "participants_dirty": False, "task": None}

    def gap() -> float:
        """As Engage's TallyCoalescer with a send budget: a room's sockets decide its spacing too."""
        return max(interval, len(poll.joined) / send_budget) if send_budget > 0 else interval

    def broadcaster() -> None:
        """Leading-edge coalescing, as Engage's TallyCoalescer: at most one tally per gap."""
        last_participants = 0.0
        sent_count = -1
        sent_seq = -1
        while True:
            wake.wait(timeout=interval if local_tallies else PARTICIPANTS_INTERVAL / 2)
            wake.clear()
            now = time.monotonic()
            if local_tallies and not state["dirty"] and poll.seq_now() != sent_seq:
                state["dirty"] = True  # another process counted votes since this one last sent
            if state["dirty"]:
                wait = state["next_tally"] - now
                if wait > 0:
                    gevent.sleep(wait)
                state["dirty"] = False
                state["next_tally"] = time.monotonic() + gap()
                tally = poll.tally()
                if local_tallies:  # to this process's sockets only: each phone gets one an interval
                    if tally["seq"] != sent_seq:
                        sent_seq = tally["seq"]
                        sio.emit("tally", tally, to=poll.room, namespace=LIVE, ignore_queue=True)
                else:
                    sio.emit("tally", tally, to=poll.room, namespace=LIVE)
            now = time.monotonic()
            if state["participants_dirty"] and now - last_participants >= PARTICIPANTS_INTERVAL:
                state["participants_dirty"] = False
                last_participants = now
                count = poll.participants()
                if count != sent_count:
                    sent_count = count
                    sio.emit("participants", {"count": count}, to=poll.room, namespace=LIVE)

    def ensure_started() -> None:
        if state["task"] is None:  # in the worker, after gunicorn's fork and monkey-patching
            state["task"] = gevent.spawn(broadcaster)

    @sio.on("connect", namespace=LIVE)
    def connect(sid, environ, auth=None):
        ensure_started()
        return True

    @sio.on("disconnect", namespace=LIVE)
    def disconnect(sid, reason=None):
        if poll.joined.pop(sid, None) is not None:
            state["participants_dirty"] = True  # sent within PARTICIPANTS_INTERVAL by the loop

    @sio.on("join", namespace=LIVE)
    def join(sid, data):
        if not isinstance(data, dict) or not isinstance(data.get("code"), str):
            return error("bad_request", "Send the session's code")
        if data["code"].upper().replace(" ", "").replace("-", "") != poll.code:
            return error("unknown_session", "No session has that code")
        token = data.get("participant")
        if not isinstance(token, str) or not poll.known(token):
            token = poll.new_participant()
        poll.joined[sid] = token
        sio.enter_room(sid, poll.room, namespace=LIVE)
        state["participants_dirty"] = True
        return {"ok": True, "participant": token, "session": poll.session_view(), "question": poll.question_view(),
                "your_vote": poll.vote_of(token), "your_upvotes": [], "tally": poll.tally(), "entries": None}

    @sio.on("vote", namespace=LIVE)
    def vote(sid, data):
        participant = poll.joined.get(sid)
        if participant is None:
            return error("not_joined", "Join a session with its code first")
        if not isinstance(data, dict) or set(data) != {"question_id", "value", "client_vote_id"}:
            return error("bad_request", "Send question_id, value and client_vote_id")
        cid = data["client_vote_id"]
        if not isinstance(cid, str) or not 1 <= len(cid) <= 64:
            return error("bad_request", "client_vote_id must be 1 to 64 characters")
        if not shared:  # in Redis, the same checks are made by CAST, in the same step as the vote
            if cid in poll.receipts.get(participant, ()):
                return {"ok": True}  # a resend: counted once, acknowledged again
            if poll.state != "open":
                return error("question_closed", "Voting has closed")
        if data["question_id"] != poll.question_id:
            return error("unknown_question", "That is not the current question")
        if data["value"] not in poll.counts:
            return error("invalid_value", "Choose one of the options")
        if poll.cast(participant, data["value"], cid) == -1:  # shared: closed (checked by CAST)
            return error("question_closed", "Voting has closed")
        if not state["dirty"]:
            state["dirty"] = True
            wake.set()
        return {"ok": True}

    @sio.on("*", namespace=LIVE)
    def other(event, sid, data=None):
        return error("bad_request", f"Unknown event {event}")

    def close() -> dict:
        if poll.state == "open":
            poll.state = "closed"
            state["dirty"] = False
            state["next_tally"] = time.monotonic() + gap()
            sio.emit("question", {"question": poll.question_view()}, to=poll.room, namespace=LIVE)
            sio.emit("tally", poll.tally(), to=poll.room, namespace=LIVE)
        return poll.report()

    sio_app = socketio.WSGIApp(sio)

    def app(environ, start_response):
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD")
        if path == "/healthz":
            body, status = {"ok": True}, "200 OK"
        elif path == "/bench/state" and method == "GET":
            body, status = poll.report(), "200 OK"
        elif path == "/bench/close" and method == "POST":
            body, status = close(), "200 OK"
        else:
            if not accept_deflate:  # the handshake then answers without the extension
                environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
            return sio_app(environ, start_response)
        data = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    return app


def serve_gunicorn(args) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            for key, value in {"bind": f"{args.host}:{args.port}", "workers": 1, "worker_class": "gevent",
                               "worker_connections": args.worker_connections, "timeout": 0,
                               "accesslog": None, "loglevel": "warning"}.items():
                self.cfg.set(key, value)

        def load(self):
            return build(args.code, args.options, args.interval, args.accept_deflate, args.redis, args.local_tallies,
                         args.send_budget)

    Server().run()


def serve_pywsgi(args) -> None:
    from gevent import monkey

    monkey.patch_all()
    from gevent.pywsgi import WSGIServer

    app = build(args.code, args.options, args.interval, args.accept_deflate, args.redis, args.local_tallies,
                args.send_budget)
    WSGIServer((args.host, args.port), app, log=None, error_log=sys.stderr, backlog=4096).serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5055")))
    parser.add_argument("--code", default="BENCH2")
    parser.add_argument("--options", type=lambda s: s.split(","), default=["Playground", "Lighting", "Benches"])
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between tallies of the room")
    parser.add_argument("--send-budget", type=float, default=10000,
                        help="sends a second a room's tallies may cost (Engage's LIVE_BROADCAST_SEND_BUDGET); "
                             "0 for a tally every --interval whatever the room's size")
    parser.add_argument("--accept-deflate", action="store_true", help="accept permessage-deflate when offered")
    parser.add_argument("--server", choices=("gunicorn", "pywsgi"), default="gunicorn")
    parser.add_argument("--redis", help="redis://… : share the poll with other processes through Redis")
    parser.add_argument("--local-tallies", action="store_true",
                        help="with --redis: send tallies to this process's sockets only, noticing other "
                             "processes' votes by their seq once an interval (one tally an interval a phone)")
    parser.add_argument("--worker-connections", type=int, default=10_000,
                        help="gunicorn's cap on one worker's connections (its default is 1,000)")
    args = parser.parse_args()
    print(f"ceiling server ({args.server}, gevent) on http://{args.host}:{args.port}/", flush=True)
    (serve_gunicorn if args.server == "gunicorn" else serve_pywsgi)(args)


if __name__ == "__main__":
    main()
