"""Imports every mapped class, so the metadata is complete for migrations and tests."""
from .commissions import Commission, PopulationGroup  # noqa: F401
from .events import StoredEvent  # noqa: F401
from .evidence import EvidenceEntry  # noqa: F401
from .staff import ApiToken, Membership, StaffUser  # noqa: F401
from surveys.live.models import (  # noqa: F401  (live polls: surveys/live/models.py)
    LiveEntry, LivePresence, LiveQuestion, LiveSession, LiveUpvote, LiveVote, LiveVoteReceipt, ResultDisclosure,
)
