"""marshmallow's nested error messages in the flat ``{"field.path": "message"}`` form that the
API's errors, the pages' error summaries and the socket acks all report."""
from __future__ import annotations


def flatten(messages, prefix: str = "") -> dict[str, str]:
    """marshmallow's nested error dict as ``{"population_groups.0.name": "message"}``."""
    flat: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten(value, name))
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        flat[prefix or "_schema"] = " ".join(messages)
    elif isinstance(messages, list):
        for i, value in enumerate(messages):
            flat.update(flatten(value, f"{prefix}.{i}" if prefix else str(i)))
    else:
        flat[prefix or "_schema"] = str(messages)
    return flat


#: JSON deeper than this is refused before it is parsed: nothing Engage accepts nests past a few
#: levels, and Python's parser recurses (tens of thousands of ``[`` end in RecursionError).
MAX_JSON_DEPTH = 32


def json_depth(text: str | bytes) -> int:
    """The deepest nesting of ``[`` and ``{`` outside strings, in one linear pass."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def unstorable_text(value, path: str = "") -> dict[str, str]:
    """Every string (or key) in ``value`` that cannot be stored and shown again, by field path.

    A lone surrogate ("\\udc00", which JSON can spell) is not text UTF-8 can encode: stored, it made
    every page and export that showed it fail. NUL ends strings in C and PostgreSQL refuses it.
    Both are refused at the door, naming the field.
    """
    problems: dict[str, str] = {}

    def visit(item, where: str) -> None:
        if isinstance(item, str):
            if "\x00" in item:
                problems[where or "_schema"] = "Remove the NUL character: it cannot be saved"
                return
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                problems[where or "_schema"] = "This text holds a character that cannot be saved (an unpaired surrogate)"
        elif isinstance(item, dict):
            for key, sub in item.items():
                name = f"{where}.{key}" if where else str(key)
                visit(key, name)
                visit(sub, name)
        elif isinstance(item, (list, tuple)):
            for i, sub in enumerate(item):
                visit(sub, f"{where}.{i}" if where else str(i))

    visit(value, path)
    return problems
