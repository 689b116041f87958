"""Which passwords staff may choose (OWASP ASVS 2.1: length, and no trivial or common ones).

Checked offline with zxcvbn (a PyPI package that ships its own lists of common passwords, names
and words, and spots repeats, sequences, keyboard patterns and dates): nothing leaves the
machine. Applies wherever a password is set (``flask users create`` today); the domain stores
only the hash, so the adapters call ``password_problem`` before hashing.
"""
from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 128  # ASVS: allow at least 64
MIN_SCORE = 3  # zxcvbn's 0-4: 3 is "safely unguessable: moderate protection from offline attack"
_ZXCVBN_MAX = 72  # zxcvbn refuses longer input; the first 72 characters decide


def password_problem(password: str, user_inputs: Iterable[str] = ()) -> str | None:
    """Why this password may not be used, in words for the person choosing it; None if it may."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        return f"Use a password of at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"Use a password of {MAX_LENGTH} characters or fewer"
    if not password.strip():
        return "Use a password that is not only spaces"
    inputs = []
    for value in user_inputs:
        words = (value or "").lower().replace("@", " ").replace(".", " ").split()
        inputs += [value.lower(), "".join(words), *words] if words else []
    result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=inputs)
    if result["score"] >= MIN_SCORE:
        return None
    warning = result["feedback"].get("warning") or ""
    reason = f" ({warning.rstrip('.')})" if warning else ""
    return ("Choose a password that is harder to guess" + reason +
            ": avoid common passwords, repeated characters, keyboard patterns and your own name or "
            "email address. Three or more random words work well")
