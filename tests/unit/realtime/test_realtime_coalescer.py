import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.realtime.coalescer import TallyCoalescer


class FakeClock:
    def __init__(self, t=100.0):
        self.t = t

    def __call__(self):
        return self.t


def test_many_marks_within_one_interval_give_one_emission():
    clock = FakeClock()
    c = TallyCoalescer(interval=0.2, clock=clock)
    emitted = []
    start = clock.t
    for _ in range(1000):
        c.mark("r")
        emitted += c.due()
        clock.t += 0.0001  # 1000 votes in 0.1 s, polled after each
    assert emitted == ["r"]  # the first vote emits at once ...
    clock.t = start + 0.2
    assert c.due() == ["r"]  # ... the other 999 together, one interval later
    clock.t += 10
    assert c.due() == []


def test_nothing_marked_nothing_due():
    c = TallyCoalescer(clock=FakeClock())
    assert c.due() == []
    assert c.next_deadline() is None
    assert len(c) == 0


def test_mark_after_emission_waits_for_the_interval():
    clock = FakeClock()
    c = TallyCoalescer(interval=0.2, clock=clock)
    c.mark("r")
    assert c.due() == ["r"]
    emitted_at = clock.t
    clock.t = emitted_at + 0.05
    c.mark("r")
    assert c.due() == []
    assert c.is_dirty("r")
    assert c.next_deadline() == pytest.approx(0.15)
    clock.t = emitted_at + 0.15
    assert c.due() == []
    clock.t = emitted_at + 0.2
    assert c.due() == ["r"]
    assert not c.is_dirty("r")


def test_mark_long_after_emission_is_due_at_once():
    clock = FakeClock()
    c = TallyCoalescer(interval=0.2, clock=clock)
    c.mark("r")
    c.due()
    clock.t += 5
    c.mark("r")
    assert c.next_deadline() == 0.0
    assert c.due() == ["r"]


def test_flush_forces_emission_and_reports_dirtiness():
    clock = FakeClock()
    c = TallyCoalescer(interval=0.2, clock=clock)
    c.mark("r")
    assert c.due() == ["r"]
    clock.t += 0.01
    c.mark("r")  # last vote just before the question closes
    assert c.flush("r") is True  # emitted now despite the interval
    assert c.due() == []
    assert c.next_deadline() is None
    assert c.flush("r") is False  # nothing new, but still allowed
    assert c.flush("never-seen") is False


def test_flush_counts_as_an_emission():
    clock = FakeClock()
    c = TallyCoalescer(interval=0.2, clock=clock)
    c.flush("r")
    c.mark("r")
    assert c.due() == []
    assert c.next_deadline() == pytest.approx(0.2)
    clock.t += 0.2
    assert c.due() == ["r"]


def test_next_deadline_is_the_soonest_room():
    clock = FakeClock()
    c = TallyCoalescer(interval=1.0, clock=clock)
    c.mark("a")
    c.due()
    clock.t += 0.3
    c.mark("b")
    c.due()
    clock.t += 0.3
    c.mark("a")
    c.mark("b")
    assert c.next_deadline() == pytest.approx(0.4)  # "a" at 1.0 after its emission
    clock.t += 0.4
    assert c.due() == ["a"]
    assert c.next_deadline() == pytest.approx(0.3)
    assert c.next_deadline(now=clock.t + 1) == 0.0


def test_many_rooms():
    clock = FakeClock()
    c = TallyCoalescer(interval=0.2, clock=clock)
    rooms = [f"room-{i}" for i in range(5000)]
    for _ in range(3):
        for room in rooms:
            c.mark(room)
    assert sorted(c.due()) == sorted(rooms)
    for room in rooms[::2]:
        c.mark(room)
    assert c.due() == []
    clock.t += 0.2
    assert c.due() == rooms[::2]
    clock.t += 0.2
    assert c.due() == []
    # Cool-down state of idle rooms is dropped.
    assert c._ready_at == {} and len(c) == 0


def test_forget():
    clock = FakeClock()
    c = TallyCoalescer(clock=clock)
    c.mark("r")
    c.due()
    c.mark("r")
    c.forget("r")
    assert len(c) == 0 and c.due() == []
    c.mark("r")
    assert c.due() == ["r"]


def test_a_big_room_is_sent_no_more_often_than_its_sockets_allow():
    """2,000 sockets and a budget of 5,000 sends a second: a tally every 0.4 s, not every 0.2 s,
    while a room of 200 beside it is still sent every 0.2 s."""
    clock = FakeClock(0.0)
    sizes = {"hall": 2000, "small": 200}
    c = TallyCoalescer(interval=0.2, clock=clock, send_budget=5000, room_size=sizes.__getitem__)
    emitted = {"hall": [], "small": []}
    for step in range(10_000):  # votes in both rooms every millisecond for 10 s
        clock.t = step / 1000
        c.mark("hall")
        c.mark("small")
        for room in c.due():
            emitted[room].append(clock.t)
    hall, small = emitted["hall"], emitted["small"]
    assert hall[0] == 0.0 and small[0] == 0.0  # the first change after a quiet spell goes at once
    assert min(b - a for a, b in zip(hall, hall[1:])) >= 0.4 - 1e-9
    assert len(hall) == 25  # 0.0, 0.4, ... 9.6
    # Sends a second, over the whole run, within the budget (the leading emission aside).
    assert (len(hall) - 1) * sizes["hall"] / 10 <= 5000
    assert min(b - a for a, b in zip(small, small[1:])) >= 0.2 - 1e-9
    assert len(small) == 50


def test_the_gap_follows_the_room_as_it_is_at_each_emission():
    clock = FakeClock(0.0)
    sizes = {"r": 100}
    c = TallyCoalescer(interval=0.2, clock=clock, send_budget=1000, room_size=sizes.__getitem__)
    c.mark("r")
    assert c.due() == ["r"]
    sizes["r"] = 1000  # the hall fills after that emission: the next gap is still 0.2 s
    c.mark("r")
    assert c.next_deadline() == pytest.approx(0.2)
    clock.t = 0.2
    assert c.due() == ["r"]
    c.mark("r")  # emitted with 1,000 sockets: a second before the next
    assert c.next_deadline() == pytest.approx(1.0)
    clock.t = 1.1
    assert c.due() == []
    clock.t = 1.2
    assert c.due() == ["r"]


def test_a_close_is_sent_at_once_however_big_the_room():
    clock = FakeClock(0.0)
    c = TallyCoalescer(interval=0.2, clock=clock, send_budget=5000, room_size=lambda room: 20_000)
    c.mark("r")
    assert c.due() == ["r"]  # the next regular tally would be 4 s later
    clock.t = 0.01
    c.mark("r")
    assert c.flush("r") is True  # the caller sends the final tally now
    assert not c.is_dirty("r") and c.due() == []
    c.mark("r")  # a late change after the close counts the close as the room's emission
    clock.t = 4.0
    assert c.due() == []
    clock.t = 4.01
    assert c.due() == ["r"]


def test_without_a_budget_room_size_is_not_asked():
    def size(room):
        raise AssertionError("asked")

    c = TallyCoalescer(interval=0.2, clock=FakeClock(), room_size=size)
    c.mark("r")
    assert c.due() == ["r"]


def test_a_budget_must_be_positive_and_needs_room_sizes():
    with pytest.raises(ValueError):
        TallyCoalescer(send_budget=0, room_size=len)
    with pytest.raises(ValueError):
        TallyCoalescer(send_budget=5000)


def test_default_clock_and_bad_interval():
    c = TallyCoalescer()
    c.mark("r")
    assert c.due() == ["r"]
    with pytest.raises(ValueError):
        TallyCoalescer(interval=0)


# --- property: safety and liveness for any event sequence ------------------

ROOMS = ["a", "b", "c"]
events = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=4),  # time step (integers: exact)
        st.one_of(
            st.tuples(st.just("mark"), st.sampled_from(ROOMS)),
            st.tuples(st.just("flush"), st.sampled_from(ROOMS)),
            st.just(("poll", None)),
            st.just(("poll", None)),
        ),
    ),
    max_size=80,
)


def _run(interval, evs, **budget):
    clock = FakeClock(0)
    c = TallyCoalescer(interval=interval, clock=clock, **budget)
    log = []  # (index, time, kind, room)
    for i, (dt, (kind, room)) in enumerate(evs):
        clock.t += dt
        if kind == "mark":
            c.mark(room)
            log.append((i, clock.t, "mark", room))
        elif kind == "flush":
            c.flush(room)
            log.append((i, clock.t, "flush", room))
        else:
            log.append((i, clock.t, "poll", None))
            for r in c.due():
                log.append((i, clock.t, "due", r))
    return log


@settings(max_examples=300, deadline=None)
@given(interval=st.integers(min_value=1, max_value=6), evs=events)
def test_coalescer_invariants(interval, evs):
    _check_invariants(_run(interval, evs), lambda room: interval)


@settings(max_examples=300, deadline=None)
@given(interval=st.integers(min_value=1, max_value=6), evs=events, budget=st.integers(min_value=1, max_value=50),
       sizes=st.fixed_dictionaries({room: st.integers(min_value=0, max_value=400) for room in ROOMS}))
def test_coalescer_invariants_with_a_send_budget(interval, evs, budget, sizes):
    """The same guarantees with each room's gap max(interval, sockets / budget)."""
    log = _run(interval, evs, send_budget=budget, room_size=sizes.__getitem__)
    _check_invariants(log, lambda room: max(interval, sizes[room] / budget))


def _check_invariants(log, gap):
    emissions = [e for e in log if e[2] in ("due", "flush")]

    # Safety: due() never emits a room within its gap of its previous
    # emission (flush is forced, but it counts as the previous emission).
    last = {}
    for i, t, kind, room in emissions:
        if kind == "due" and room in last:
            assert t - last[room] >= gap(room)
        last[room] = t

    # due() only emits rooms marked since their previous emission.
    dirty = set()
    for i, t, kind, room in log:
        if kind == "mark":
            dirty.add(room)
        elif kind == "due":
            assert room in dirty
            dirty.discard(room)
        elif kind == "flush":
            dirty.discard(room)

    # Liveness: a mark is emitted no later than the first poll at or after
    # max(mark time, previous emission + gap).
    for pos, (i, tm, kind, room) in enumerate(log):
        if kind != "mark":
            continue
        before = [t for (_, t, k, r) in log[:pos] if k in ("due", "flush") and r == room]
        deadline = tm if not before else max(tm, before[-1] + gap(room))
        after = log[pos + 1:]
        poll_at = next(
            (k for k, e in enumerate(after) if e[2] == "poll" and e[1] >= deadline), None
        )
        if poll_at is None:
            continue
        # A poll's own emissions are logged right after it.
        window = after[: poll_at + 1]
        window += [e for e in after[poll_at + 1:] if e[0] == after[poll_at][0]]
        assert any(k in ("due", "flush") and r == room for (_, _, k, r) in window), (
            room, tm, deadline, log,
        )
