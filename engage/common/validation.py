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
