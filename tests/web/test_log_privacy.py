"""Logs carry no receipt codes and no client addresses (security audit, point 6)."""
from __future__ import annotations

import logging

import pytest

from engage.common.log_privacy import redact


@pytest.mark.parametrize("line", [
    "Invalid request from ip=203.0.113.7: Invalid HTTP method",
    "Invalid request from ip=2001:db8::17: bad",
    "GET /api/v1/responses/ABCD-EFGH-JKMN failed",
    "receipt abcdefghjkmn typed",
])
def test_addresses_and_receipts_are_redacted(line):
    out = redact(line)
    for secret in ("203.0.113.7", "2001:db8::17", "ABCD-EFGH-JKMN", "abcdefghjkmn"):
        assert secret not in out
    assert "[address]" in out or "[code]" in out


def test_ordinary_words_and_ids_survive():
    assert redact("survey 12 closed with 8 responses; staff#3 signed in") == \
        "survey 12 closed with 8 responses; staff#3 signed in"


def test_an_unhandled_error_on_a_receipt_path_logs_neither_the_code_nor_the_address(database_url, monkeypatch):
    import io

    from engage import create_app
    from surveys import responses

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)  # as a deployment's log handler would be
    logging.getLogger().addHandler(handler)
    app = create_app({"DATABASE_URL": database_url})  # installs the filter on the handlers there are

    def boom(*_a, **_k):
        raise RuntimeError("failed while looking up ABCD-EFGH-JKMN for 198.51.100.4")

    monkeypatch.setattr(responses, "find", boom)
    try:
        response = app.test_client().get("/api/v1/responses/ABCD-EFGH-JKMN",
                                         environ_base={"REMOTE_ADDR": "198.51.100.4"})
    finally:
        logging.getLogger().removeHandler(handler)
        app.extensions["engage.db"].engine.dispose()
    assert response.status_code == 500
    written = stream.getvalue()
    assert "unhandled error on GET" in written and "RuntimeError" in written
    assert "ABCD-EFGH-JKMN" not in written and "198.51.100.4" not in written


def test_gunicorn_uses_the_private_logger_and_no_address_in_the_access_log():
    from engage import serve

    assert issubclass(serve.PrivateLogger, object)
    source = open(serve.__file__).read()
    assert "%(h)s" not in source and '"logger_class": PrivateLogger' in source
