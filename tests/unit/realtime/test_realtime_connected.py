from engage.realtime.connected import ConnectedParticipants


def test_counts_participants_not_sockets():
    p = ConnectedParticipants()
    assert p.connect("room", "alice", "s1") is True
    assert p.connect("room", "alice", "s2") is False  # reload: new socket first
    assert p.connect("room", "bob", "s3") is True
    assert p.count("room") == 2
    assert p.disconnect("s1") == "room"  # old socket times out later
    assert p.count("room") == 2
    assert p.disconnect("s2") == "room"
    assert p.count("room") == 1
    assert not p.is_present("room", "alice")
    assert p.disconnect("s3") == "room"
    assert p.count("room") == 0


def test_unknown_sid_and_room():
    p = ConnectedParticipants()
    assert p.disconnect("nope") is None
    assert p.count("nowhere") == 0
    assert p.room_of("nope") is None


def test_rooms_are_separate():
    p = ConnectedParticipants()
    p.connect("r1", "alice", "s1")
    p.connect("r2", "alice", "s2")
    p.connect("r2", "bob", "s3")
    assert (p.count("r1"), p.count("r2")) == (1, 2)
    assert p.room_of("s2") == "r2"


def test_same_sid_joining_again_is_not_double_counted():
    p = ConnectedParticipants()
    p.connect("r1", "alice", "s1")
    assert p.connect("r1", "alice", "s1") is False
    assert p.count("r1") == 1
    p.disconnect("s1")
    assert p.count("r1") == 0


def test_sid_moving_room_leaves_the_old_one():
    p = ConnectedParticipants()
    p.connect("r1", "alice", "s1")
    assert p.connect("r2", "alice", "s1") is True
    assert (p.count("r1"), p.count("r2")) == (0, 1)
    assert p.disconnect("s1") == "r2"
    assert p.disconnect("s1") is None
    assert p._rooms == {} and p._by_sid == {}


def test_sid_changing_participant():
    p = ConnectedParticipants()
    p.connect("r1", "old-token", "s1")
    p.connect("r1", "new-token", "s1")
    assert p.count("r1") == 1
    assert p.is_present("r1", "new-token")

A, B, C = "a" * 24, "b" * 24, "c" * 24


def test_snapshot_lists_distinct_participants_per_room():
    counter = ConnectedParticipants()
    counter.connect("room-1", A, "sid-1")
    counter.connect("room-1", A, "sid-2")
    counter.connect("room-1", B, "sid-3")
    counter.connect("room-2", C, "sid-4")
    assert counter.snapshot() == {"room-1": frozenset({A, B}), "room-2": frozenset({C})}
    counter.disconnect("sid-4")
    assert counter.snapshot() == {"room-1": frozenset({A, B})}


def test_sockets_counts_every_connection_of_a_room():
    p = ConnectedParticipants()
    p.connect("r", "alice", "s1")
    p.connect("r", "alice", "s2")  # a second tab: one participant, two sockets to send to
    p.connect("r", "bob", "s3")
    p.connect("other", "carol", "s4")
    assert (p.count("r"), p.sockets("r"), p.sockets("other")) == (2, 3, 1)
    p.connect("other", "alice", "s2")  # moved, not counted twice
    assert (p.sockets("r"), p.sockets("other")) == (2, 2)
    for sid in ("s1", "s3", "s2", "s4"):
        p.disconnect(sid)
    p.disconnect("s1")  # unknown by now: nothing changes
    assert p.sockets("r") == p.sockets("other") == 0 and p._rooms == {}  # nothing left behind
