"""A reflection on the day, outside the modules: noticing with kind curiosity.

It serves the mindful awareness layer, in the language of the three systems
(shared/clinical-facts.md C10 and D). Plain data.
"""

from __future__ import annotations

PROMPTS: tuple[tuple[str, str], ...] = (
    ("noticed", "What did you notice today: feelings, urges, thoughts, the inner critic?"),
    ("systems", "Which system was most in charge, threat, drive or soothe? What set it going?"),
    ("kind", "What would a wise, kind friend say about it?"),
)
