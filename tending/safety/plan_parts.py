"""The parts of a safety plan, as data, in the order a person works through them in a crisis.

The first six steps follow the structure of the Stanley-Brown Safety Planning Intervention
(Stanley B, Brown GK. Safety planning intervention: a brief intervention to mitigate suicide
risk. Cognitive and Behavioral Practice 2012;19:256-264). The last two add the compassion-
focused part: the client's compassionate self, and what helps the soothing system. Every
prompt is written by us.
"""

from __future__ import annotations

from dataclasses import dataclass

# A plan is read on a phone in a hard moment: each part stays short enough to read there.
PART_MAX_LENGTH = 2000


@dataclass(frozen=True)
class PlanPart:
    key: str
    step: int
    title: str  # as the client reads it, in the first person
    prompt: str  # the question on the form
    hint: str  # a few examples, shown under the box


PLAN_PARTS: tuple[PlanPart, ...] = (
    PlanPart(
        "warning_signs",
        1,
        "Signs that a hard time is starting",
        "What do you notice in your thoughts, feelings, body or actions when things begin to "
        "get too much?",
        "For example: not sleeping, pulling away from people, a thought that keeps coming back.",
    ),
    PlanPart(
        "on_my_own",
        2,
        "Things I can do on my own",
        "What can you do by yourself that helps a little, or takes your mind somewhere else "
        "for a while?",
        "For example: soothing rhythm breathing, a walk, a shower, music, holding something warm.",
    ),
    PlanPart(
        "distractions",
        3,
        "People and places that take my mind off things",
        "Who could you be around, or where could you go, without needing to talk about how you "
        "feel?",
        "For example: a friend's kitchen, the library, a café, a neighbour, an online group.",
    ),
    PlanPart(
        "people_to_ask",
        4,
        "People I can ask for help",
        "Who could you tell that you are struggling? Add their number so you can reach them "
        "quickly.",
        "For example: a sister, a friend from work, a faith leader.",
    ),
    PlanPart(
        "professionals",
        5,
        "Professionals and services I can contact",
        "Which services and professionals can you call, day or night?",
        "Your service's crisis numbers are filled in to start with; add your GP or others.",
    ),
    PlanPart(
        "safer_surroundings",
        6,
        "Making my surroundings safer",
        "What could you put away, hand to someone, or keep out of reach while things are hard?",
        "For example: asking someone to keep medicines, not being alone at night.",
    ),
    PlanPart(
        "compassionate_words",
        7,
        "What my compassionate self would say to me now",
        "Imagine the wise, strong and kind part of you, who wants you through this. What would "
        "they say to you, and in what tone?",
        "For example: “This is very hard, and it is not your fault. Let's get through the next "
        "hour together.”",
    ),
    PlanPart(
        "feeling_safe",
        8,
        "What helps me feel safe",
        "What calms your body and helps you feel a little safer: places, sounds, smells, "
        "people, memories?",
        "For example: my safe place, a blanket, my dog, a voice I trust.",
    ),
)

PLAN_PART_KEYS: tuple[str, ...] = tuple(part.key for part in PLAN_PARTS)
PARTS_BY_KEY: dict[str, PlanPart] = {part.key: part for part in PLAN_PARTS}
