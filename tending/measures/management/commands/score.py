from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tending.measures.definitions import get_definition
from tending.measures.scoring import AnswerError, parse_answer_list, score


class Command(BaseCommand):
    help = (
        "Score one set of answers: tending score phq9 --answers 1,2,0,3,1,0,2,1,0 [--json]. "
        "Leave an answer blank (1,,2) for a missing item; write --answers=-1,… if the first "
        "answer starts with a minus sign. Reads and writes nothing else."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "measure", help="The measure's key, e.g. phq9 (see: tending measures list)."
        )
        parser.add_argument(
            "--answers", required=True, help="Comma-separated answers, in item order."
        )
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            definition = get_definition(options["measure"])
            result = score(definition, parse_answer_list(definition, options["answers"]))
        except KeyError as error:
            raise CommandError(error.args[0]) from None
        except AnswerError as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json()))
            return
        self.stdout.write(f"{definition.short_title} (version {definition.version})")
        if not result.complete:
            self.stdout.write("Incomplete: some items are unanswered, so there is no total.")
        if definition.total:
            band = f" ({result.band})" if result.band else ""
            self.stdout.write(f"Total: {result.total}{band}")
        for rule in definition.subscales:
            self.stdout.write(f"{rule.title}: {result.subscales[rule.key]}")
        if result.risk_items or result.missing_risk_items:
            self.stdout.write(
                f"Risk items: answered {list(result.risk_items)}, "
                f"unanswered {list(result.missing_risk_items)}"
            )
