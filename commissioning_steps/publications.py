"""Published pages: a snapshot of what the public sees, fixed when a commissioner publishes.

"We asked, you said, we did" is published on purpose, not live: staff theme and decide over days,
and the public should see a considered answer, not work in progress. Each publication is a new
version; the public page shows the latest, and earlier versions stay on the record.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import Base, transactional, utcnow
from .events import YouSaidWeDidPublished, publish
from .staff import StaffUser

YOU_SAID_WE_DID = "you-said-we-did"


class Publication(Base):
    __tablename__ = "publications"
    __table_args__ = (UniqueConstraint("commission_id", "page", "version", name="uq_publications_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id"), index=True)
    page: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


@transactional
def publish_page(session: Session, commission_id: int, page: str, content: dict[str, Any],
                 actor: StaffUser) -> Publication:
    version = (session.scalar(select(func.max(Publication.version)).where(
        Publication.commission_id == commission_id, Publication.page == page)) or 0) + 1
    row = Publication(commission_id=commission_id, page=page, version=version, content=content,
                      published_by_id=actor.id, published_at=utcnow())
    session.add(row)
    session.flush()
    publish(session, YouSaidWeDidPublished(commission_id, version))
    return row


def latest(session: Session, commission_id: int, page: str) -> Publication | None:
    return session.scalar(select(Publication).where(Publication.commission_id == commission_id,
                                                    Publication.page == page)
                          .order_by(Publication.version.desc()).limit(1))
