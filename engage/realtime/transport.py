"""A guard in front of Engine.IO for oversized long-polling posts.

python-engineio answers a polling POST over ``max_http_buffer_size`` by disconnecting the
session with ``Socket.close(wait=True)``, which waits until the client has collected the close
packet with another GET. A client that gave up when its POST failed never does, so the thread
serving that POST waits for ever: each oversized POST would park one of the server's threads
until a restart, and a handful of them would stop the server answering anyone
(``tests/integration/test_live_many_clients.py`` shows it). Refused here instead, the POST costs
nothing: the session is left alone and, if the client has gone, times out like any other.

WebSocket frames over the limit are refused by Engine.IO itself without waiting, so only
polling POSTs need this.
"""
from __future__ import annotations


class PollingBodyLimit:
    def __init__(self, wsgi_app, limit: int, path: str = "/socket.io") -> None:
        self.wsgi_app = wsgi_app
        self.limit = limit
        self.path = path.rstrip("/")

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "POST" and (environ.get("PATH_INFO") or "").startswith(self.path + "/"):
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = self.limit + 1
            if length > self.limit:
                # Connection: close, so the server does not read the body it is refusing.
                start_response("413 Content Too Large", [("Content-Type", "text/plain; charset=utf-8"),
                                                         ("Connection", "close")])
                return [b"Too large: Engage accepts live poll messages of up to "
                        + str(self.limit // 1024).encode() + b" KB"]
        return self.wsgi_app(environ, start_response)


class NoWebSocketCompression:
    """Declines permessage-deflate on the live poll's WebSockets.

    Browsers offer the extension on every WebSocket, and simple-websocket (the WebSocket layer
    python-engineio uses here) accepts whatever is offered, after which every message to every
    phone is compressed with a zlib context of its own: a few hundred kilobytes per connected
    phone (about 550 MB for 2,000 phones, against 140 MB without) and a compression per phone
    per tally, to save a few hundred bytes on messages that are a few hundred bytes long.
    Without the request header the handshake simply answers without the extension, which every
    client accepts (RFC 7692).
    """

    def __init__(self, wsgi_app, path: str = "/socket.io") -> None:
        self.wsgi_app = wsgi_app
        self.path = path.rstrip("/")

    def __call__(self, environ, start_response):
        if "HTTP_SEC_WEBSOCKET_EXTENSIONS" in environ and (environ.get("PATH_INFO") or "").startswith(self.path + "/"):
            del environ["HTTP_SEC_WEBSOCKET_EXTENSIONS"]
        return self.wsgi_app(environ, start_response)
