"""Imports every mapped class, so the metadata is complete for migrations and tests."""
from .commissions import Commission, PopulationGroup  # noqa: F401
from .events import StoredEvent  # noqa: F401
from .evidence import EvidenceEntry  # noqa: F401
from .staff import ApiToken, Membership, StaffUser  # noqa: F401
from .checkpoints import EvidenceCheckpoint  # noqa: F401
from .decisions import Decision, DecisionItem, DecisionStatusChange, DecisionTheme  # noqa: F401
from .inputs import InputItem  # noqa: F401
from .publications import Publication  # noqa: F401
from .themes import Theme, ThemeItem  # noqa: F401
from .evaluation import Challenge, ChallengeAnswer, SignOff  # noqa: F401
from .benefits import (  # noqa: F401
    Benefit, BenefitDecision, BenefitDependency, BenefitMeasurement, BenefitReminder, BenefitReview, BenefitStrategy,
)
