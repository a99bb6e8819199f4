"""The guided compassionate letter: its steps, and the letter they add up to.

Plain data and functions, no ORM. The steps follow shared/clinical-facts.md C9 (Balanced Minds,
compassionate letter writing; Gilbert 2010, CFT: Distinctive Features, ch. 27): settle and step
into the compassionate self, say why you are writing, name the difficulty, validate it, see
that the threat responses were understandable and not your fault, offer warmth and wise ideas
for helpful action, then read it back slowly. The letter may be written as "I" or as "you";
many people find "you" easier.
"""

from __future__ import annotations

from dataclasses import dataclass

FIRST_PERSON = "first"
THIRD_PERSON = "third"
VOICES = {
    THIRD_PERSON: 'To myself as "you" (many people find this easier)',
    FIRST_PERSON: 'As "I"',
}
COMPASSIONATE_SELF = "self"
COMPASSIONATE_OTHER = "other"
WRITERS = {
    COMPASSIONATE_SELF: "My compassionate self: the wise, kind and strong part of me",
    COMPASSIONATE_OTHER: "A compassionate other: a wise, kind friend or figure writing to me",
}


@dataclass(frozen=True)
class LetterStep:
    """One step of the guided letter. Steps without a `key` have nothing to write."""

    number: int
    title: str
    guidance: tuple[str, ...]
    key: str = ""
    label: str = ""
    starters: tuple[str, str] = ("", "")  # a way to begin, as "I" and as "you"

    @property
    def writes(self) -> bool:
        return bool(self.key)

    def starter(self, voice: str) -> str:
        return self.starters[0] if voice == FIRST_PERSON else self.starters[1]


STEPS: tuple[LetterStep, ...] = (
    LetterStep(
        number=1,
        title="Settle first",
        guidance=(
            "Find somewhere you can be undisturbed for a while, if you can. Let your breathing "
            "slow down a little, so the out-breath is a touch longer than the in-breath. A "
            "minute or so is plenty.",
            "Now bring to mind the part of you that is wise, kind and steady: your "
            "compassionate self. Notice how it would sit, its tone of voice, its wish for you "
            "to be well. If that feels hard, imagine a compassionate other, someone wise and "
            "warm who is on your side, writing to you instead.",
            "There is no right way to feel. Simply intending to be kind is enough to begin.",
        ),
    ),
    LetterStep(
        number=2,
        title="Why you are writing",
        guidance=(
            "Say what you would like this letter to do. The aim is to understand and support, "
            "not to judge or to fix everything.",
        ),
        key="why",
        label="What would you like this letter to do?",
        starters=(
            "I am writing to myself because...",
            "I am writing to you because...",
        ),
    ),
    LetterStep(
        number=3,
        title="The difficulty",
        guidance=(
            "Name what has been hard, plainly, the way a caring friend would listen to it: "
            "without rushing to make it smaller or bigger than it is.",
        ),
        key="difficulty",
        label="What has been difficult?",
        starters=("Lately I have been finding...", "Lately you have been finding..."),
    ),
    LetterStep(
        number=4,
        title="It makes sense",
        guidance=(
            "Let the letter recognise how hard this is, and that the feelings are "
            "understandable. It can help to use the words: it makes sense that ... because ...",
        ),
        key="validate",
        label="What makes your feelings understandable?",
        starters=(
            "It makes sense that I feel ... because ...",
            "It makes sense that you feel ... because ...",
        ),
    ),
    LetterStep(
        number=5,
        title="Not your fault",
        guidance=(
            "Look at how your mind has tried to protect you: the worry, the anger, the "
            "avoiding, the pushing on, the self-criticism. These were understandable ways of "
            "trying to stay safe, shaped by a tricky brain and by your life. They are not your "
            "fault.",
        ),
        key="not_my_fault",
        label="How has your mind tried to protect you, and why is that understandable?",
        starters=(
            "When I ..., it was my mind trying to keep me safe. It is not my fault that...",
            "When you ..., it was your mind trying to keep you safe. It is not your fault that...",
        ),
    ),
    LetterStep(
        number=6,
        title="Warmth and wise next steps",
        guidance=(
            "Offer warmth and encouragement, as someone who wants the best for you would. Then "
            "add any wise ideas for small, helpful things to do: not to be perfect, just kind "
            "and practical.",
        ),
        key="warmth",
        label="What would you like to say with warmth, and what might help next?",
        starters=(
            "I want the best for myself, and something that might help is...",
            "I want the best for you, and something that might help is...",
        ),
    ),
    LetterStep(
        number=7,
        title="Read it back slowly",
        guidance=(
            "Read your letter slowly, out loud if you can, in a warm and unhurried voice. Notice "
            "what it is like to receive it. If a part does not feel kind yet, you can go back "
            "and change it.",
        ),
    ),
)
WRITING_STEPS = tuple(step for step in STEPS if step.writes)
LAST_STEP = len(STEPS)
CAUTION = (
    "If the words start to sound harsh or critical, like an inner critic, that is common and "
    "not a failure. Pause, breathe slowly for a few breaths, and come back to the compassionate "
    "voice: how would a wise, kind friend put it? You can stop at any point; what you have "
    "written is kept as a private draft. It is also fine to write a letter with your therapist "
    "instead."
)


def step(number: int) -> LetterStep | None:
    """Return step `number` (from 1), or None if there is no such step."""
    return STEPS[number - 1] if 1 <= number <= LAST_STEP else None


def assemble(texts: dict[str, str]) -> list[str]:
    """Return the letter as paragraphs: each written step in order, leaving out empty ones."""
    return [texts[s.key].strip() for s in WRITING_STEPS if texts.get(s.key, "").strip()]
