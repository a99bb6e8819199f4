from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tending.measures.definitions import Definition, get_definition
from tending.measures.reliable_change import ChangeError, classify_change


class Command(BaseCommand):
    help = (
        "Judge a change in a measure's total: tending change phq9 --before 18 --after 9 [--json]. "
        "Prints the change, the reliable-change threshold and where it comes from, and the "
        "classification (recovered, improved, unchanged or deteriorated)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("measure", help="The measure's key, e.g. phq9.")
        parser.add_argument("--before", required=True, type=float)
        parser.add_argument("--after", required=True, type=float)
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            definition = get_definition(options["measure"])
            if definition.total is None:
                raise ChangeError(f"{definition.short_title} has no total score")
            low, high = _range(definition)
            for name in ("before", "after"):
                if not low <= options[name] <= high:
                    raise ChangeError(f"--{name} {options[name]:g} is outside {low:g} to {high:g}")
            change = classify_change(definition, options["before"], options["after"])
        except KeyError as error:
            raise CommandError(error.args[0]) from None
        except ChangeError as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(change.as_json(definition)))
            return
        self.stdout.write(
            f"{definition.short_title}: {change.before:g} → {change.after:g} "
            f"(change {change.change:+g}); reliable change needs "
            f"{change.threshold.points:.2f} points ({change.threshold.method}): "
            f"{change.classification}."
        )


def _range(definition: Definition) -> tuple[float, float]:
    """Return the lowest and highest possible total."""
    rule = definition.total
    if rule is None:
        raise ChangeError(f"{definition.short_title} has no total score")
    count = 1 if rule.method == "mean" else len(rule.items)
    low, high = definition.scale.min * count, definition.scale.max * count
    return low * rule.multiplier, high * rule.multiplier
