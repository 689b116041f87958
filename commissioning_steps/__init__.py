"""The collaborative commissioning journey and the commissions that walk it.

This package is the domain: it knows nothing about HTTP, sockets or templates, so the same
rules serve the web pages, the REST API, socket handlers, scheduled jobs and the tests.
"""
