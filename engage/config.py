"""Configuration, all of it from the environment, so the same code runs a laptop demo and a
multi-process deployment."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("ENGAGE_INSTANCE_PATH", ROOT / "instance"))


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _dev_secret_key() -> str:
    """A development key kept in instance/, so sign-ins survive a restart of ``make run``."""
    INSTANCE.mkdir(parents=True, exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _dev_checkpoint_key() -> str:
    """A development signing key for evidence checkpoints, kept in instance/ (never the database)."""
    from commissioning_steps.checkpoint_signing import generate_private_key_pem

    INSTANCE.mkdir(parents=True, exist_ok=True)
    path = INSTANCE / "checkpoint_key.pem"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(generate_private_key_pem())
        path.chmod(0o600)
    return path.read_text()


class Config:
    ENV_NAME = "development"
    TESTING = False
    DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE / 'engage.sqlite3'}"
    # SQLite only: FULL (every acknowledged commit on disk before the answer) or NORMAL
    SQLITE_SYNCHRONOUS = os.environ.get("SQLITE_SYNCHRONOUS", "FULL").strip().upper()
    # PostgreSQL only: the connection pool of each process (SQLAlchemy's 5 + 10 when unset);
    # see docs/performance.md, "Live polls across two processes"
    DATABASE_POOL_SIZE = int(os.environ["DATABASE_POOL_SIZE"]) if os.environ.get("DATABASE_POOL_SIZE") else None
    DATABASE_MAX_OVERFLOW = int(os.environ["DATABASE_MAX_OVERFLOW"]) if os.environ.get("DATABASE_MAX_OVERFLOW") \
        else None
    SOCKETIO_MESSAGE_QUEUE = os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None
    SCHEDULER_ENABLED = _flag("SCHEDULER_ENABLED", True)
    LOAD_DEMO_DATA = True
    NODE_MODULES = Path(os.environ.get("ENGAGE_NODE_MODULES", ROOT / "node_modules"))
    MAX_CONTENT_LENGTH = 256 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    PASSWORD_HASH_METHOD = "scrypt"
    # Sign-in throttling (commissioning_steps/sign_in_throttle.py): failed attempts a minute per
    # client address and over the whole service (bursts of twice that), on top of the lock of one
    # (account, address) pair after 5 wrong passwords in a row.
    SIGN_IN_ADDRESS_LIMIT = float(os.environ.get("SIGN_IN_ADDRESS_LIMIT", "10"))
    SIGN_IN_GLOBAL_LIMIT = float(os.environ.get("SIGN_IN_GLOBAL_LIMIT", "60"))
    # Staff sign-ins end after this long without activity, and this long after signing in
    # (ASVS 3.3); pages warn SESSION_WARNING_SECONDS before (the GOV.UK timeout warning).
    SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
    SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(12 * 3600)))
    SESSION_WARNING_SECONDS = int(os.environ.get("SESSION_WARNING_SECONDS", "120"))
    SERVICE_NAME = "Engage"
    # Staff pages show times in this zone and the survey schedule is entered in it; everything is
    # stored as UTC (engage/common/times.py).
    ENGAGE_TIMEZONE = os.environ.get("ENGAGE_TIMEZONE", "Europe/London")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    RATE_LIMITS_ENABLED = True  # residents' unauthenticated calls, per client address
    #: New live-poll participants one client address may make in one session (docs/security.md, point 4)
    LIVE_PARTICIPANTS_PER_ADDRESS = int(os.environ.get("LIVE_PARTICIPANTS_PER_ADDRESS", "1000"))
    # Live polls (docs/live-protocol.md): events over LIVE_MAX_EVENT_BYTES get a payload_too_large
    # answer; packets over SOCKETIO_MAX_HTTP_BUFFER_SIZE are refused by the transport itself.
    LIVE_MAX_EVENT_BYTES = 16 * 1024
    SOCKETIO_MAX_HTTP_BUFFER_SIZE = 64 * 1024
    LIVE_BROADCAST_INTERVAL = 0.2  # seconds between tallies of one room, per process
    # Sends a second one room's tallies may cost a process: a room of more sockets than
    # INTERVAL x BUDGET gets its tallies further apart (5,000 phones: every 0.5 s); 0 for none.
    LIVE_BROADCAST_SEND_BUDGET = float(os.environ.get("LIVE_BROADCAST_SEND_BUDGET", "10000"))
    # With a message queue, each process sends the current question's tallies to its own sockets
    # and reads the question's seq for other processes' votes (engage/realtime/broadcaster.py).
    LIVE_LOCAL_TALLIES = _flag("LIVE_LOCAL_TALLIES", True)
    # Survey submissions through the API are committed in groups by one writer task
    # (engage/common/submissions.py); False writes each in its request (a group of one).
    SUBMISSION_WRITER_LOOP = True
    # Seconds the writer waits, once a submission arrived, for others to join its group: a group
    # has a fixed cost (its look-ups, its event, its commit) that its submissions share.
    SUBMISSION_WRITER_LINGER = float(os.environ.get("SUBMISSION_WRITER_LINGER", "0.002"))
    # A join is answered from the session's view held in memory (engage/realtime/join_views.py);
    # never with a message queue (several processes), whatever this says.
    LIVE_JOIN_VIEWS = _flag("LIVE_JOIN_VIEWS", True)
    LIVE_BROADCAST_LOOP = True  # False in handler tests, which drive the broadcaster (and vote writer) by hand
    # The activity feed (/activity): a commission's watchers are nudged at most this often, in seconds.
    ACTIVITY_NUDGE_INTERVAL = 1.0
    # permessage-deflate on live poll WebSockets: off, it costs each phone a zlib context for
    # messages of a few hundred bytes (engage/realtime/transport.py)
    LIVE_WEBSOCKET_COMPRESSION = _flag("LIVE_WEBSOCKET_COMPRESSION", False)
    # Outbound webhooks (docs/webhooks.md): how often the scheduler dispatches the outbox and
    # sends what is due.
    WEBHOOK_JOB_SECONDS = int(os.environ.get("WEBHOOK_JOB_SECONDS", "5"))

    def __init__(self) -> None:
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or _dev_secret_key()
        # Signs evidence checkpoints (Ed25519; PEM or base64 of the 32-byte key). Never stored in
        # the database, which is what a checkpoint must be proof against.
        self.CHECKPOINT_KEY = os.environ.get("ENGAGE_CHECKPOINT_KEY") or _dev_checkpoint_key()
        # Webhooks to loopback, private, link-local and reserved addresses (and over plain http)
        # are refused unless this is set: for development and the tests' local receivers only.
        self.WEBHOOK_ALLOW_PRIVATE = _flag("ENGAGE_WEBHOOK_ALLOW_PRIVATE", False)


class ProductionConfig(Config):
    ENV_NAME = "production"
    LOAD_DEMO_DATA = False
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE

    def __init__(self) -> None:
        key = os.environ.get("SECRET_KEY")
        if not key or len(key) < 32:
            raise RuntimeError("Set SECRET_KEY (at least 32 characters) in the environment for production")
        self.SECRET_KEY = key
        checkpoint_key = os.environ.get("ENGAGE_CHECKPOINT_KEY")
        if not checkpoint_key:
            raise RuntimeError("Set ENGAGE_CHECKPOINT_KEY (an Ed25519 private key, PEM or base64) for production")
        self.CHECKPOINT_KEY = checkpoint_key
        self.WEBHOOK_ALLOW_PRIVATE = _flag("ENGAGE_WEBHOOK_ALLOW_PRIVATE", False)


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SCHEDULER_ENABLED = False
    LOAD_DEMO_DATA = False
    WTF_CSRF_ENABLED = False
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast in tests; never used outside them
    RATE_LIMITS_ENABLED = False  # one test client is "every resident"; limit tests turn it on
    SQLITE_SYNCHRONOUS = "NORMAL"  # test databases need not survive a power cut; an fsync a commit is slow

    def __init__(self) -> None:
        from commissioning_steps.checkpoint_signing import generate_private_key_pem

        self.SECRET_KEY = "test-secret-key-not-for-production-use-0123456789"
        self.CHECKPOINT_KEY = generate_private_key_pem()  # a fresh key per app, in memory
        self.WEBHOOK_ALLOW_PRIVATE = _flag("ENGAGE_WEBHOOK_ALLOW_PRIVATE", False)


def from_environment() -> Config:
    name = os.environ.get("ENGAGE_CONFIG", "development").lower()
    return {"production": ProductionConfig, "test": TestConfig}.get(name, Config)()
