"""Reflection prompts for the therapist's own development, a few for each CFT layer.

Plain data, written for Tending. The questions follow the layers in `practices.library.LAYERS`:
the relationship, compassionate understanding, mindful awareness and compassion practices.
"""

from __future__ import annotations

from dataclasses import dataclass

from tending.practices.library import LAYERS


@dataclass(frozen=True)
class Prompt:
    key: str
    layer: int
    text: str


PROMPTS: tuple[Prompt, ...] = (
    Prompt(
        "relational-safeness",
        1,
        "How am I offering this person a sense of safeness with me, right now?",
    ),
    Prompt(
        "modelling",
        1,
        "Where could my own warmth, courage or kind curiosity be more visible to them?",
    ),
    Prompt(
        "rupture-repair",
        1,
        "Was there a moment of distance or strain between us, and how might I tend to it?",
    ),
    Prompt(
        "not-my-fault",
        2,
        "How can I help them arrive at 'this is not my fault' by discovering it, not by being "
        "told?",
    ),
    Prompt(
        "makes-sense",
        2,
        "What part of their struggle would make sense given their brain, their history and "
        "their situation?",
    ),
    Prompt(
        "three-systems",
        2,
        "Which of threat, drive and soothe seemed in charge today, and did we name it together?",
    ),
    Prompt(
        "noticed-in-me",
        3,
        "What did I notice in myself during the session: in my body, my urges, my thoughts?",
    ),
    Prompt(
        "their-noticing",
        3,
        "How could I help them notice feelings, motives or self-criticism as they arise?",
    ),
    Prompt(
        "kind-curiosity",
        3,
        "Where could I invite them to meet what they notice with interest rather than judgement?",
    ),
    Prompt(
        "next-practice",
        4,
        "Which process do I want to strengthen next, and which practice would serve it?",
    ),
    Prompt(
        "blocks",
        4,
        "What fears, blocks or resistances to compassion showed up, and how gently can we go?",
    ),
    Prompt(
        "my-repertoire",
        4,
        "Which practice would I like to bring into my own life, so I can offer it from the inside?",
    ),
)
BY_KEY = {prompt.key: prompt for prompt in PROMPTS}


def grouped_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Return the prompts as grouped choices for a select: one group per layer."""
    return [
        (f"{number}. {name}", [(p.key, p.text) for p in PROMPTS if p.layer == number])
        for number, name in sorted(LAYERS.items())
    ]


def by_layer() -> list[tuple[int, str, list[Prompt]]]:
    """Return (layer number, layer name, prompts) for each layer, in order."""
    return [
        (number, name, [p for p in PROMPTS if p.layer == number])
        for number, name in sorted(LAYERS.items())
    ]
