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
    assert c._last == {} and len(c) == 0


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


def _run(interval, evs):
    clock = FakeClock(0)
    c = TallyCoalescer(interval=interval, clock=clock)
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
    log = _run(interval, evs)
    emissions = [e for e in log if e[2] in ("due", "flush")]

    # Safety: due() never emits a room within `interval` of its previous
    # emission (flush is forced, but it counts as the previous emission).
    last = {}
    for i, t, kind, room in emissions:
        if kind == "due" and room in last:
            assert t - last[room] >= interval
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
    # max(mark time, previous emission + interval).
    for pos, (i, tm, kind, room) in enumerate(log):
        if kind != "mark":
            continue
        before = [t for (_, t, k, r) in log[:pos] if k in ("due", "flush") and r == room]
        deadline = tm if not before else max(tm, before[-1] + interval)
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
