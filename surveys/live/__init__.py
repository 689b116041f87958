"""Live polls: small pure helpers that keep sockets cheap and fair, with no web framework."""
