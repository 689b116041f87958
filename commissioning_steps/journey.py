"""The eight-step collaborative commissioning journey, as data.

The wording is copied word for word from "Nothing About Us, Without Us! Collaborative
Commissioning Across The Community" (Tom Alexander, SSA), the table "The Four Stage Journey
For Collaborative Commissioning". Evidence entries store the practice question text and
``JOURNEY_VERSION`` they answered, so if the wording is ever revised, old evidence still says
exactly which question it was recorded against.

The related tool codes are kept as printed, including the repeated ``T&V1.03`` under
Collaborate and ``CAL4.03`` under Consolidate (probably typos in the source, but the app shows
the table word for word and an evaluator comparing against the source should find it equal).

Step features (which activities a step invites, what its gateway asks for) are declared here
rather than scattered through ``if step == ...`` branches.
"""
from __future__ import annotations

from dataclasses import dataclass, field

JOURNEY_VERSION = "ssa-2015.1"

#: Activities a commissioner can run at a step.
SURVEY = "survey"
LIVE_POLL = "live_poll"
WORKSHOP = "workshop"
DATA_COLLECTION = "data_collection"
ALL_ACTIVITIES = (SURVEY, LIVE_POLL, WORKSHOP, DATA_COLLECTION)


@dataclass(frozen=True)
class Gateway:
    """What completing a step asks for: evidence against its practice question.

    Without it a commissioner may still move on, but only by giving a reason, which is itself
    recorded as evidence, so the evaluation can see where the journey was rushed.
    """

    min_evidence: int = 1


@dataclass(frozen=True)
class Step:
    key: str
    name: str
    stage: str
    principle: str
    practice_question: str
    tools: tuple[str, ...]
    activities: tuple[str, ...] = ALL_ACTIVITIES
    gateway: Gateway = field(default_factory=Gateway)

    @property
    def number(self) -> int:
        return STEP_KEYS.index(self.key) + 1


@dataclass(frozen=True)
class Stage:
    name: str
    steps: tuple[Step, ...]


def _step(key, name, stage, principle, question, tools, **features) -> Step:
    return Step(key, name, stage, principle, question, tuple(tools.split()), **features)


STEPS: tuple[Step, ...] = (
    _step(
        "initiate", "Initiate", "Analyse",
        "Local people are a great source of information and intelligence.",
        "How can local people help collect information and intelligence as well as provide it?",
        "CLA1.01 CLA2.03 CLA2.05",
    ),
    _step(
        "investigate", "Investigate", "Analyse",
        "Local people are well placed to corroborate or disprove evidence and add narrative.",
        "How have local people contributed to the analysis?",
        "CLA4.01 CLA4.02 CLA4.03",
    ),
    _step(
        "collaborate", "Collaborate", "Plan",
        "Local people want to shape the service they receive.",
        "Is collaboration with local people demonstrable in your plans?",
        "T&V1.03 T&V1.03 T&V3.08 CLA5.01",
    ),
    _step(
        "incubate", "Incubate", "Plan",
        "Local people help validate and localise any initial plans.",
        "To what extent is any initial plan reflective of local people's needs and do they agree?",
        "T&V4.01 CLA4.01 CLA8.01",
    ),
    _step(
        "negotiate", "Negotiate", "Do",
        "Local people's voices must be heard by commissioners and potential providers.",
        "What evidence is available to indicate that local people feel they have influenced "
        "the process?",
        "CLA4.02",
    ),
    _step(
        "activate", "Activate", "Do",
        "Local people provide crucial insight into potential solutions and provision.",
        "What facets of the eventual solution are directly attributable to local people?",
        "CLA6.01 CLA6.02 CLA6.03",
    ),
    _step(
        "consolidate", "Consolidate", "Review",
        "Local people are well positioned to help gather data (particularly primary data).",
        "How can local people collect data as well as provide it?",
        "CLA4.01 CLA4.02 CAL4.03",
    ),
    _step(
        "evaluate", "Evaluate", "Review",
        "Local people should contribute to the evaluation of the service.",
        "Does the evaluation include feedback from local people on the commissioning process "
        "as well as any outcomes?",
        "CLA8.01",
    ),
)

STEP_KEYS: tuple[str, ...] = tuple(s.key for s in STEPS)
STAGE_NAMES: tuple[str, ...] = ("Analyse", "Plan", "Do", "Review")
STAGES: tuple[Stage, ...] = tuple(
    Stage(name, tuple(s for s in STEPS if s.stage == name)) for name in STAGE_NAMES
)
_BY_KEY = {s.key: s for s in STEPS}


def get_step(key: str) -> Step | None:
    return _BY_KEY.get(key)


def step_at(index: int) -> Step | None:
    return STEPS[index] if 0 <= index < len(STEPS) else None


def as_dict() -> dict:
    """The journey in the shape the public API promises."""
    return {
        "version": JOURNEY_VERSION,
        "stages": [
            {
                "name": stage.name,
                "steps": [
                    {
                        "key": s.key,
                        "name": s.name,
                        "number": s.number,
                        "principle": s.principle,
                        "practice_question": s.practice_question,
                        "tools": list(s.tools),
                    }
                    for s in stage.steps
                ],
            }
            for stage in STAGES
        ],
    }
