"""A commission's activity feed: what happened (from the stored catalogue events, read in order
with a cursor), what is coming up (from survey and benefit dates), and what needs attention
(webhooks whose deliveries fail).

``items`` turns stored events into feed items and is pure (unit tests feed it rows); ``reading``
loads the rows and the names the items use; ``coming_up`` reads dates against a clock. It lives
in ``surveys`` because it reads both domains. Only counts and titles ever reach an item: never a
resident's answer, never a participant id.
"""
from __future__ import annotations

from .coming_up import coming_up, needing_attention
from .items import FEED_EVENTS, Item
from .reading import Feed, read

__all__ = ["FEED_EVENTS", "Feed", "Item", "coming_up", "needing_attention", "read"]
