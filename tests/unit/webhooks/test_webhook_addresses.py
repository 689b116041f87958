"""The guard against server-side request forgery: private, loopback, link-local and reserved
targets are refused when a subscription is saved and again when a delivery is made, on the
address actually connected to; the refusal comes before any connection is attempted.

No name here is looked up on the network: ``addresses.resolve`` is replaced wherever a name other
than ``localhost`` (answered from the hosts file) is used, and nothing is sent anywhere but the
127.0.0.1 receivers these tests start."""
from __future__ import annotations

import socket

import pytest
from sqlalchemy import select

from commissioning_steps import commissions, staff
from commissioning_steps.commissions import Commission
from commissioning_steps.errors import Invalid
from surveys.webhooks import addresses, delivery, subscriptions
from surveys.webhooks.addresses import AddressRefused, Policy
from surveys.webhooks.models import PENDING, WebhookAttempt, WebhookDelivery
from surveys.webhooks.transport import HttpSender

from webhook_receiver import start_receiver, stop_receiver

STRICT, LOCAL = Policy(allow_private=False), Policy(allow_private=True)
PUBLIC = "93.184.215.14"


@pytest.fixture
def connections(monkeypatch):
    """Every outgoing connection attempted, refused by the test itself (none should happen)."""
    attempted = []

    def refuse(self, address, *args):
        attempted.append(address)
        raise AssertionError(f"a connection to {address} was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempted


@pytest.fixture
def dns(monkeypatch):
    """A resolver the test controls: name -> addresses (a list, or a list of lists in turn)."""
    table: dict[str, list] = {}

    def resolve(host, port):
        answer = table.get(host)
        if answer is None:
            if host == "localhost":
                return [info[4][0] for info in socket.getaddrinfo("localhost", port, type=socket.SOCK_STREAM)]
            # Numbers in any form the C library reads as an address (2130706433, 0x7f.1), no lookup.
            return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_NUMERICHOST)]
        if answer and isinstance(answer[0], list):
            return answer.pop(0) if len(answer) > 1 else answer[0]
        return answer

    monkeypatch.setattr(addresses, "resolve", resolve)
    return table


@pytest.mark.parametrize("address, problem", [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"),
    ("10.0.0.1", "private"), ("172.16.4.2", "private"), ("192.168.1.1", "private"), ("fd00::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("100.64.0.1", "reserved"), ("240.0.0.1", "reserved"), ("224.0.0.1", "multicast"), ("192.0.2.10", "private"),
    ("64:ff9b::a00:1", "private"), ("2002:7f00:1::", "loopback"),
])
def test_addresses_that_are_refused(address, problem):
    assert problem in addresses.address_problem(address)


@pytest.mark.parametrize("address", [PUBLIC, "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address):
    assert addresses.address_problem(address) is None


@pytest.mark.parametrize("url", [
    "https://127.0.0.1/hooks", "https://localhost/hooks", "https://localhost./hooks", "https://10.1.2.3/hooks",
    "https://169.254.169.254/latest/meta-data/", "https://[::1]/hooks", "https://[::ffff:10.0.0.1]/hooks",
    "https://2130706433/hooks", "https://0x7f.1/hooks", "https://127.1/hooks", "https://internal.example.org/hooks",
])
def test_private_targets_are_refused_when_subscribing(url, dns, connections):
    dns["internal.example.org"] = ["10.20.30.40"]
    with pytest.raises(AddressRefused, match="does not send webhooks to"):
        addresses.check_url(url, STRICT)
    assert connections == []


@pytest.mark.parametrize("url, message", [
    ("http://hooks.example.org/x", "https://"), ("ftp://hooks.example.org/x", "https://"),
    ("https://user:secret@hooks.example.org/x", "user name or password"), ("https:///x", "valid web address"),
    ("https://hooks.example.org/x#frag", "fragment"), ("https://hooks.example.org/a b", "spaces"),
    ("https://hooks.example.org:99999/x", "valid web address"), ("https://unknown.example.org/x", "could not be found"),
    ("", "Enter"), (None, "Enter"), ("https://hooks.example.org/" + "x" * 2000, "2000 characters"),
])
def test_malformed_urls_are_refused(url, message, dns):
    dns["hooks.example.org"] = [PUBLIC]
    with pytest.raises(AddressRefused, match=message):
        addresses.check_url(url, STRICT)


def test_a_public_name_is_accepted_and_one_address_among_many_private_is_not(dns):
    dns["hooks.example.org"] = [PUBLIC]
    assert addresses.check_url("https://hooks.example.org/engage", STRICT)
    dns["mixed.example.org"] = [PUBLIC, "10.0.0.9"]
    with pytest.raises(AddressRefused, match="private"):
        addresses.check_url("https://mixed.example.org/engage", STRICT)


def test_allowing_private_targets_allows_a_local_receiver_and_plain_http():
    assert addresses.check_url("http://127.0.0.1:8080/hooks", LOCAL)
    assert addresses.check_url("https://[::1]/hooks", LOCAL)


@pytest.fixture
def db_session(store):
    s = store.session(write=True)
    yield s
    s.close()


@pytest.fixture
def setup(world, db_session):
    owner = world.user("casey@example.org", staff.COMMISSIONER, "Casey")
    commission = db_session.get(Commission, world.commission(owner, "Rosehill Park").id)
    return owner, commission


def test_the_service_refuses_a_private_url_naming_the_field(setup, db_session, connections):
    owner, commission = setup
    with pytest.raises(Invalid) as caught:
        subscriptions.create(db_session, commission, owner, url="https://127.0.0.1/hooks",
                             events=["commission.changed"], policy=STRICT)
    assert "loopback" in caught.value.fields["url"]
    assert connections == []


def _pending_delivery(db_session, commission, owner, url, policy):
    sub, _ = subscriptions.create(db_session, commission, owner, url=url, events=["commission.changed"], policy=policy)
    commissions.update_commission(db_session, commission, commissions.CommissionInput(title="Renamed"))
    return sub


def test_a_name_that_resolves_to_a_private_address_at_delivery_time_is_refused_before_connecting(
        setup, db_session, dns, connections):
    owner, commission = setup
    dns["hooks.example.org"] = [PUBLIC]
    _pending_delivery(db_session, commission, owner, "https://hooks.example.org/engage", STRICT)
    dns["hooks.example.org"] = ["10.0.0.7"]  # DNS changed since the subscription was saved
    done = delivery.run(db_session, HttpSender(STRICT))
    assert done["retrying"] == 1
    attempt = db_session.scalars(select(WebhookAttempt)).one()
    assert attempt.outcome == "address refused" and "private" in attempt.detail and attempt.status_code is None
    assert db_session.scalars(select(WebhookDelivery.status)).one() == PENDING  # retried later, DNS may change back
    assert connections == []


def test_a_rebinding_between_the_check_and_the_connection_is_caught_at_connect(setup, db_session, dns, connections):
    owner, commission = setup
    dns["hooks.example.org"] = [PUBLIC]
    _pending_delivery(db_session, commission, owner, "https://hooks.example.org/engage", STRICT)
    # Public for the subscription and the pre-flight check, loopback when the socket is opened.
    dns["hooks.example.org"] = [[PUBLIC], ["127.0.0.1"]]
    delivery.run(db_session, HttpSender(STRICT))
    attempt = db_session.scalars(select(WebhookAttempt)).one()
    assert attempt.outcome == "address refused" and "loopback" in attempt.detail
    assert connections == []


def test_a_local_receiver_is_refused_at_delivery_when_private_targets_are_not_allowed(setup, db_session, connections):
    owner, commission = setup
    receiver = start_receiver()
    try:
        _pending_delivery(db_session, commission, owner, receiver.url, LOCAL)  # saved while allowed
        delivery.run(db_session, HttpSender(STRICT))  # ... the setting is off now
        assert receiver.received == []
        assert db_session.scalars(select(WebhookAttempt.outcome)).one() == "address refused"
        assert connections == []
    finally:
        stop_receiver(receiver)


def test_a_redirect_to_a_private_address_is_not_followed(setup, db_session):
    owner, commission = setup
    receiver, inside = start_receiver(), start_receiver()
    try:
        receiver.default = (302, {"Location": inside.url.replace("127.0.0.1", "localhost")})
        _pending_delivery(db_session, commission, owner, receiver.url, LOCAL)
        delivery.run(db_session, HttpSender(LOCAL))
        assert len(receiver.received) == 1 and inside.received == []
        attempt = db_session.scalars(select(WebhookAttempt)).one()
        assert (attempt.status_code, attempt.outcome) == (302, "redirect not followed")
    finally:
        stop_receiver(receiver)
        stop_receiver(inside)
