"""Join codes that people read off a projector and type on a phone.

A code is short enough to remember between looking up and looking down, and
is drawn from an alphabet with no characters that are easy to confuse when
projected, printed or handwritten:

* ``0`` and ``O``, ``1``, ``I`` and ``L`` are excluded because they are read
  as one another;
* ``U`` and ``V`` are excluded as well: they merge in many projector fonts and
  in handwriting, and leaving out ``U`` also makes accidental words rarer.

Because *both* members of every confusable pair are excluded, nothing a
person types is silently "corrected" into a different code: a code with an
excluded character is simply not a code.  Codes are drawn with ``secrets``
so that they cannot be predicted from earlier ones (a code is the only thing
between the public and a session).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from surveys.codes import ALPHABET, EXCLUDED

__all__ = [
    "ALPHABET",
    "CODE_LENGTH",
    "EXCLUDED",
    "is_valid_code",
    "new_code",
    "normalise_code",
]

CODE_LENGTH = 6

_ALPHABET_SET = frozenset(ALPHABET)
# Separators people type or phones insert ("ABC DEF", "abc-def", autocorrected
# dashes, non-breaking spaces).  Whitespace of any kind is handled by split().
_DASHES = str.maketrans("", "", "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212")
# Anything much longer than a code is not a typo of one; refuse it before
# doing any work on it.
_MAX_INPUT = 64


def is_valid_code(code: object) -> bool:
    """Whether ``code`` is already in canonical form, as stored and compared.

    Strict on purpose: user input goes through :func:`normalise_code` first,
    so anything else reaching this point is a programming error or an attack.
    """
    return (
        isinstance(code, str)
        and len(code) == CODE_LENGTH
        and all(c in _ALPHABET_SET for c in code)
    )


def normalise_code(user_input: object) -> str | None:
    """Canonical form of what someone typed, or ``None`` if it cannot be a code.

    Lenient about case and separators because people type codes the way they
    see them on a slide; never guesses about characters, because a guess that
    lands on someone else's session is worse than asking again.
    """
    if not isinstance(user_input, str) or len(user_input) > _MAX_INPUT:
        return None
    candidate = "".join(user_input.split()).translate(_DASHES)
    # Check for ASCII before upper-casing: str.upper() can change length
    # ("ß" -> "SS") and could turn junk into a valid-looking code.
    if not candidate.isascii():
        return None
    candidate = candidate.upper()
    return candidate if is_valid_code(candidate) else None


def new_code(is_taken: Callable[[str], bool], attempts: int = 20) -> str:
    """A fresh random code for which ``is_taken`` says no.

    With 29**6 (about 6e8) codes, a collision is rare and twenty in a row
    means the code space or ``is_taken`` is broken; failing loudly beats
    looping forever.  ``is_taken`` is only a pre-check: the caller must still
    rely on a unique constraint, since another process may take the code
    between the check and the insert.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    for _ in range(attempts):
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if not is_taken(code):
            return code
    raise RuntimeError(f"no free join code after {attempts} attempts")
