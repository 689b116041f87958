"""Surveys and live polls: the domain, with no web framework."""
