"""Alembic environment: the same migrations for SQLite and PostgreSQL."""
from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context

import commissioning_steps.models  # noqa: F401  (imports every model onto the metadata)
import surveys.live.models  # noqa: F401
import surveys.models  # noqa: F401
import surveys.webhooks.models  # noqa: F401
from commissioning_steps.db import Base, make_engine

config = context.config
if config.config_file_name and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL") or "sqlite:///instance/engage.sqlite3"


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=_url().startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(_url())
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
