"""Logs carry no client addresses and no receipt codes, whatever writes them.

The app itself logs ids, never people; but libraries log what they see: gunicorn's "Invalid
request from ip=…" line, a traceback whose message holds a request path with a receipt in it.
A filter on every handler rewrites each record's message before it is written, so the promise
holds for code Engage does not own too.
"""
from __future__ import annotations

import logging
import re

from surveys.codes import ALPHABET

_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_IPV6_CANDIDATE = re.compile(r"(?<![\w:.])[0-9a-fA-F:]*:[0-9a-fA-F:]*:[0-9a-fA-F:.]*(?![\w:])")


def _ipv6(match: re.Match) -> str:
    """An IPv6 address, not a clock time: "::" or hex letters or all eight groups."""
    text = match.group(0)
    if "::" in text or text.count(":") >= 7 or re.search(r"[a-fA-F]", text):
        return "[address]"
    return text
_CODE_CHAR = f"[{ALPHABET}{ALPHABET.lower()}]"
#: Receipt codes as printed (groups of four with dashes) or typed without dashes; 12+ characters
#: of the code alphabet in a row is a code, not a word (the alphabet has no O, I, L, U or V).
_RECEIPT = re.compile(rf"\b{_CODE_CHAR}{{4}}(?:-{_CODE_CHAR}{{4}}){{2,}}\b|\b{_CODE_CHAR}{{12,}}\b")


def redact(text: str) -> str:
    text = _RECEIPT.sub("[code]", text)
    text = _IPV4.sub("[address]", text)
    return _IPV6_CANDIDATE.sub(_ipv6, text)


class Redact(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not stop logging
            message = str(record.msg)
        cleaned = redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True


def install(*loggers: logging.Logger) -> None:
    """Add the filter to every handler of the root logger and of ``loggers`` (once each)."""
    for logger in (logging.getLogger(), *loggers):
        for handler in logger.handlers:
            if not any(isinstance(f, Redact) for f in handler.filters):
                handler.addFilter(Redact())
