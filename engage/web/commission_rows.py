"""Finding a commission's own row (a benefit, a theme, a decision) from an id in a staff URL."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort
from sqlalchemy.orm import Session

from commissioning_steps.errors import NotFound

from ..extensions import db_session

Row = TypeVar("Row")


def in_commission(commission: Any, load: Callable[[Session, int], Row], row_id: int) -> Row:
    """The row ``load`` finds, if it belongs to ``commission``; a 404 page otherwise, the same
    for a row of another commission as for none at all, so a page never tells that one exists."""
    try:
        row = load(db_session(), row_id)
    except NotFound:
        abort(404)
    if row.commission_id != commission.id:
        abort(404)
    return row
