import pytest

from engage.common.token_bucket import TokenBucket


class FakeClock:
    def __init__(self, t=1000.0):
        self.t = t

    def __call__(self):
        return self.t


def test_burst_then_refusal_then_refill():
    clock = FakeClock()
    bucket = TokenBucket(rate=2, burst=3, clock=clock)
    assert [bucket.allow("p") for _ in range(4)] == [True, True, True, False]
    clock.t += 0.4  # 0.8 token: still not enough
    assert not bucket.allow("p")
    clock.t += 0.1  # refusals do not consume: 1.0 token now
    assert bucket.allow("p")
    assert not bucket.allow("p")
    clock.t += 100  # refill is capped at burst
    assert [bucket.allow("p") for _ in range(4)] == [True, True, True, False]


def test_keys_are_independent():
    clock = FakeClock()
    bucket = TokenBucket(rate=1, burst=1, clock=clock)
    assert bucket.allow("a")
    assert not bucket.allow("a")
    assert bucket.allow("b")


def test_cost():
    clock = FakeClock()
    bucket = TokenBucket(rate=1, burst=5, clock=clock)
    assert bucket.allow("p", cost=4)
    assert not bucket.allow("p", cost=2)
    assert bucket.allow("p", cost=1)
    assert not TokenBucket(rate=1, burst=5, clock=clock).allow("q", cost=6)


def test_clock_going_backwards_does_not_refill_or_crash():
    clock = FakeClock()
    bucket = TokenBucket(rate=1, burst=1, clock=clock)
    assert bucket.allow("p")
    clock.t -= 50
    assert not bucket.allow("p")


def test_idle_keys_are_evicted():
    clock = FakeClock()
    bucket = TokenBucket(rate=10, burst=5, clock=clock)  # full refill: 0.5 s
    for i in range(1000):
        bucket.allow(i)
    assert len(bucket) == 1000
    clock.t += 0.5
    bucket.allow("fresh")
    assert len(bucket) == 1


def test_key_count_is_capped_oldest_first():
    clock = FakeClock()
    bucket = TokenBucket(rate=1, burst=2, clock=clock, max_keys=100)
    for i in range(1000):
        clock.t += 0.001
        assert bucket.allow(i)
        assert len(bucket) <= 100
    assert len(bucket) == 100
    # The most recent key is remembered (and limited) ...
    assert bucket.allow(999)
    assert not bucket.allow(999)
    # ... the oldest was forgotten and starts afresh.
    assert bucket.allow(0) and bucket.allow(0)


def test_recently_used_key_survives_the_cap():
    clock = FakeClock()
    bucket = TokenBucket(rate=1, burst=1, clock=clock, max_keys=3)
    bucket.allow("a")
    bucket.allow("b")
    bucket.allow("c")
    bucket.allow("a")  # refused, but touches "a"
    bucket.allow("d")  # evicts "b", the least recently seen
    assert not bucket.allow("a")
    assert bucket.allow("b")


def test_forget():
    clock = FakeClock()
    bucket = TokenBucket(rate=1, burst=1, clock=clock)
    bucket.allow("p")
    bucket.forget("p")
    bucket.forget("unknown")
    assert bucket.allow("p")


@pytest.mark.parametrize("kwargs", [dict(rate=0, burst=1), dict(rate=1, burst=0),
                                    dict(rate=1, burst=1, max_keys=0)])
def test_rejects_nonsense(kwargs):
    with pytest.raises(ValueError):
        TokenBucket(**kwargs)


def test_can_allow_looks_without_taking():
    now = [0.0]
    bucket = TokenBucket(rate=1.0, burst=2, clock=lambda: now[0])
    assert bucket.can_allow("k") and bucket.can_allow("k")
    assert bucket.allow("k") and bucket.allow("k")
    assert not bucket.can_allow("k")
    now[0] = 1.0
    assert bucket.can_allow("k") and bucket.allow("k") and not bucket.can_allow("k")
    assert not bucket.can_allow("new", cost=3)
