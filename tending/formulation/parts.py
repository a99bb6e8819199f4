"""The parts of a threat-based (four-column) formulation, as data.

The four columns and the self-to-self relating box follow shared/clinical-facts.md C11. The
split of fears and strategies into "about other people" and "about me" is a common habit,
not a rule (the fact sheet tags it [U]), so both halves are optional boxes in one column.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    number: int  # 1 to 4 left to right; 5 is the self-to-self relating box beneath
    title: str
    subtitle: str


@dataclass(frozen=True)
class Part:
    key: str
    column: int
    side: str  # "external", "internal" or "" when the column has one box
    label: str  # the box's own name within its column ("" when it is the whole column)
    help_text: str
    field_label: str = ""  # the question on the form, when it differs from the title

    @property
    def title(self) -> str:
        """The part's full name, for headings outside the diagram."""
        column = COLUMNS[self.column]
        return f"{column.title}: {self.label.lower()}" if self.label else column.title

    @property
    def question(self) -> str:
        return self.field_label or COLUMNS[self.column].title


COLUMNS: dict[int, Column] = {
    1: Column(1, "Historical influences", "What happened to me"),
    2: Column(2, "Key threats and fears", "What I came to fear"),
    3: Column(3, "Safety strategies", "What I do to feel safer"),
    4: Column(4, "Unintended consequences", "What coping can cost me"),
    5: Column(5, "Self-to-self relating", "How I treat myself"),
}

EXTERNAL_LABEL = "About other people"
INTERNAL_LABEL = "About me"

PARTS: tuple[Part, ...] = (
    Part(
        "history",
        1,
        "",
        "",
        "Experiences that stayed with you: at home, at school, with friends or partners, and "
        "the wider world around you. A few words are enough.",
    ),
    Part(
        "threats_external",
        2,
        "external",
        EXTERNAL_LABEL,
        "For example: that people will criticise, reject, leave or hurt you.",
        "What I fear other people might do",
    ),
    Part(
        "threats_internal",
        2,
        "internal",
        INTERNAL_LABEL,
        "For example: that you will be overwhelmed, not good enough, or alone.",
        "What I fear I might feel or be",
    ),
    Part(
        "strategies_external",
        3,
        "external",
        EXTERNAL_LABEL,
        "For example: pleasing people, keeping your distance, working extra hard.",
        "What I do with other people to feel safer",
    ),
    Part(
        "strategies_internal",
        3,
        "internal",
        INTERNAL_LABEL,
        "For example: pushing feelings away, staying on guard, going over things again and again.",
        "What I do inside myself to feel safer",
    ),
    Part(
        "consequences",
        4,
        "",
        "",
        "What these ways of coping can cost you, though nobody meant them to. For example: "
        "feeling lonely, worn out, or never quite able to rest.",
    ),
    Part(
        "self_relating",
        5,
        "",
        "",
        "How you speak to and treat yourself, especially when things go wrong. For example: "
        "harsh self-criticism, or blaming yourself.",
    ),
)

PART_KEYS: tuple[str, ...] = tuple(part.key for part in PARTS)
BY_KEY: dict[str, Part] = {part.key: part for part in PARTS}
MAX_PART_LENGTH = 4000


def parts_in(column: int) -> tuple[Part, ...]:
    return tuple(part for part in PARTS if part.column == column)
