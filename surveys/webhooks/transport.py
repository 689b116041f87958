"""Sending one signed webhook request: ``requests`` with a timeout, no redirects followed, no
proxies or ``.netrc`` from the environment, and the address guard applied to the address each
connection is actually made to (a name that resolved to a public address when the subscription
was saved may resolve to a private one now)."""
from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from typing import Mapping, Protocol

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

from . import addresses
from .addresses import AddressRefused, Policy

CONNECT_TIMEOUT, READ_TIMEOUT = 5, 10  # seconds
USER_AGENT = "Engage-Webhooks/1 (+https://www.standardwebhooks.com/)"

# Outcomes of one attempt, as the delivery log shows them.
DELIVERED, HTTP_ERROR, GONE, REDIRECT, TIMEOUT, CONNECTION_ERROR, REFUSED = (
    "delivered", "http error", "gone", "redirect not followed", "timeout", "connection error", "address refused")


@dataclass(frozen=True)
class Result:
    outcome: str
    status_code: int | None = None
    duration_ms: int = 0
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome == DELIVERED


class Sender(Protocol):
    def __call__(self, url: str, body: bytes, headers: Mapping[str, str]) -> Result: ...


class _Refused(NewConnectionError):
    """Raised inside urllib3 when the address about to be connected to is refused."""

    def __init__(self, conn, reason: str) -> None:
        super().__init__(conn, reason)
        self.reason_text = reason


def _guarded(base: type[HTTPConnection]) -> type[HTTPConnection]:
    class Guarded(base):  # type: ignore[misc, valid-type]
        policy: Policy = Policy()

        def _new_conn(self) -> socket.socket:
            try:
                found = addresses.check_host(self._dns_host, self.port, self.policy)
            except AddressRefused as exc:
                raise _Refused(self, str(exc)) from None
            last: OSError | None = None
            for address in found:
                try:
                    return socket.create_connection((address, self.port), self.timeout,
                                                    source_address=self.source_address)
                except OSError as exc:
                    last = exc
            raise NewConnectionError(self, f"Failed to establish a new connection: {last}")

    Guarded.__name__ = f"Guarded{base.__name__}"
    return Guarded


class GuardedAdapter(HTTPAdapter):
    """An adapter whose connections check every address they connect to against ``policy``."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        http_conn = type("GuardedHTTP", (_guarded(HTTPConnection),), {"policy": self.policy})
        https_conn = type("GuardedHTTPS", (_guarded(HTTPSConnection),), {"policy": self.policy})
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
            "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
        }


def _refusal(exc: BaseException) -> str | None:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, _Refused):
            return exc.reason_text
        inner = getattr(exc, "reason", None)
        if isinstance(inner, BaseException):
            exc = inner
            continue
        exc = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc.__cause__ or exc.__context__
    return None


class HttpSender:
    """POST a webhook over HTTP(S) within ``policy``; never raises, always a ``Result``."""

    def __init__(self, policy: Policy, timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT)) -> None:
        self.policy = policy
        self.timeout = timeout

    def _session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # no proxies, no .netrc credentials from the environment
        adapter = GuardedAdapter(self.policy)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def __call__(self, url: str, body: bytes, headers: Mapping[str, str]) -> Result:
        try:
            target = addresses.parse(url, self.policy)
            addresses.check_host(target.host, target.port, self.policy)
        except AddressRefused as exc:
            return Result(REFUSED, detail=str(exc)[:200])
        started = time.monotonic()

        def took() -> int:
            return int((time.monotonic() - started) * 1000)

        with self._session() as session:
            try:
                response = session.post(url, data=body, timeout=self.timeout, allow_redirects=False, stream=True,
                                        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT,
                                                 **headers})
                response.close()  # the answer's body is not needed (nor kept)
            except requests.Timeout:
                return Result(TIMEOUT, duration_ms=took(), detail="No answer within the time allowed")
            except requests.RequestException as exc:
                refused = _refusal(exc)
                if refused:
                    return Result(REFUSED, duration_ms=took(), detail=refused[:200])
                return Result(CONNECTION_ERROR, duration_ms=took(), detail="Could not connect to the receiver")
        code = response.status_code
        if 200 <= code < 300:
            return Result(DELIVERED, code, took())
        if code == 410:
            return Result(GONE, code, took(), "The receiver answered 410 Gone")
        if 300 <= code < 400:
            return Result(REDIRECT, code, took(), "The receiver answered with a redirect, which is never followed")
        return Result(HTTP_ERROR, code, took(), f"The receiver answered {code}")
