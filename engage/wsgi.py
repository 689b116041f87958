"""WSGI entry point for other servers, e.g. ``gunicorn -k gthread --threads 64 engage.wsgi:app``.

The scheduler is not started here: in a multi-process deployment exactly one process runs it
(``python -m engage.serve`` with ``SCHEDULER_ENABLED=1``, or ``engage.jobs.start``).
"""
from . import create_app

app = create_app()
