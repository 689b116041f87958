"""Text that cannot be stored, refused at the door of every page form, naming the field.

The API and socket events refuse an unpaired surrogate or NUL in their JSON
(``engage.common.validation.unstorable_text``). A form is sent as bytes: a browser or a script
can send bytes that are not UTF-8 (how a lone surrogate arrives in a form), which the form parser
would quietly turn into "�", changing what the person sent; and NUL passes the parser untouched
(PostgreSQL refuses it). So before any view runs, a form post with either is answered 422 with
a GOV.UK error summary naming each field, and nothing is stored.
"""
from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import Flask, render_template, request

from ..common.validation import unstorable_text

_CHANGES = {"POST", "PUT", "PATCH", "DELETE"}
NOT_UTF8 = "This text holds a character that cannot be saved (it is not valid UTF-8)"


def _not_utf8(body: bytes) -> dict[str, str]:
    problems: dict[str, str] = {}
    for pair in body.split(b"&"):
        name, _, value = pair.partition(b"=")
        name, value = (unquote_to_bytes(part.replace(b"+", b" ")) for part in (name, value))
        try:
            name.decode("utf-8")
            value.decode("utf-8")
        except UnicodeDecodeError:
            problems[name.decode("utf-8", "replace") or "_form"] = NOT_UTF8
    return problems


def problems() -> dict[str, str]:
    """The fields of this request's form that cannot be stored, with why."""
    if request.method not in _CHANGES or request.path.startswith("/api/"):
        return {}
    found: dict[str, str] = {}
    if request.mimetype == "application/x-www-form-urlencoded":
        # Cached, so the form parser reads the same bytes afterwards.
        found.update(_not_utf8(request.get_data(cache=True)))
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, message in unstorable_text(request.form.to_dict(flat=False)).items():
            found.setdefault(name.split(".", 1)[0], message)
    found.pop("csrf_token", None)  # a broken token is the CSRF check's to answer
    return found


def init_app(app: Flask) -> None:
    @app.before_request
    def _refuse_unstorable_form_text():
        found = problems()
        if found:
            return render_template("errors/unstorable.html", problems=found), 422
        return None
