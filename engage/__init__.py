"""Engage: collaborative commissioning with local people. The Flask web adapter.

``create_app`` wires configuration, the database, sign-in, CSRF, GOV.UK templates, the web
pages, the REST API and Socket.IO. The scheduler is started by the serving process only
(``engage.serve``), never by CLI commands or tests. The rules live in ``commissioning_steps`` and
``surveys``; everything here only translates between them and HTTP or sockets.
"""
from __future__ import annotations

from . import green  # noqa: F401 - first: the gevent server monkey-patches before any import (green.py)

import logging
from typing import Any, Mapping

from flask import Flask
from flask_socketio import SocketIO
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.routing import IntegerConverter

from . import assets, rate_limits, security
from .common import log_privacy, submissions
from .common.json_provider import EngageJSON
from .config import INSTANCE, ROOT, Config, TestConfig, from_environment
from .cookie_sessions import CachedSigningSessionInterface
from .extensions import Database, csrf, login_manager


class DatabaseId(IntegerConverter):
    """Up to 18 digits: every id the database can hand out, and never one it cannot hold. A
    pattern rather than ``max`` so a longer number matches no route at all (404); a value
    refused after matching made Werkzeug answer 405 when another method's route existed."""

    regex = r"\d{1,18}"


def _displayable(value):
    """Text Jinja writes into a page: anything UTF-8 cannot encode (an unpaired surrogate that
    reached the database before the input checks refused it) becomes "?", so stored data can
    never make a page fail."""
    if isinstance(value, str) and not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "replace").decode("utf-8")
    return value


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, static_folder=str(ROOT / "static"), template_folder=str(ROOT / "templates"),
                instance_path=str(INSTANCE))
    config: Config = TestConfig() if test_config is not None else from_environment()
    app.config.from_object(config)
    if test_config:
        app.config.update(test_config)
    logging.basicConfig(level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log_privacy.install()

    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(ROOT / "templates")),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    # Ids in paths are database integers: anything past a signed 64-bit integer is no such page
    # (404), never an OverflowError deep in the database driver (500).
    app.url_map.converters["int"] = DatabaseId
    app.json = EngageJSON(app)  # keys keep their order; absurdly deep JSON is refused
    app.session_interface = CachedSigningSessionInterface()  # one signing serializer per key, not per request
    app.jinja_env.finalize = _displayable
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    submissions.init_app(app, Database(app))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "account.sign_in"
    login_manager.login_message = "Sign in to see that page"
    login_manager.login_message_category = "info"
    security.init_app(app)
    rate_limits.init_app(app)
    assets.init_app(app)

    from govuk_frontend_wtf.main import WTFormsHelpers

    WTFormsHelpers(app)

    from . import auth

    auth.init_app(app)  # the sign-in throttle and fallback hash (also registers the user loader)
    from commissioning_steps.checkpoint_signing import Signer, load_private_key

    # The evidence checkpoints' signer: its key comes from the configuration, never the database.
    app.extensions["engage.checkpoint_signer"] = Signer(load_private_key(app.config["CHECKPOINT_KEY"]))
    from . import api, cli, realtime, web

    web.init_app(app)
    api.init_app(app)
    cli.init_app(app)
    # One Socket.IO server per app, kept in ``app.extensions["socketio"]`` (``socketio_of``).
    SocketIO(
        app,
        async_mode=green.async_mode(),  # gevent in the gevent server, threads everywhere else
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        max_http_buffer_size=app.config["SOCKETIO_MAX_HTTP_BUFFER_SIZE"],
        logger=False,
        engineio_logger=False,
    )
    realtime.init_app(app)
    return app
