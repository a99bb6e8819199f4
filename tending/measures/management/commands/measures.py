from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tending.accounts.models import Organisation
from tending.measures.definitions import get_definition, load_definitions
from tending.measures.services import import_wording


class Command(BaseCommand):
    help = (
        "Questionnaires. `tending measures list` lists every measure Tending can score. "
        "`tending measures import-wording FILE --organisation NAME` stores an organisation's "
        "licensed wording for a measure shipped as scoring only (YAML with measure, licence, "
        "instructions, labels and one text per item); it changes no scores."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        commands.add_parser("list", help="List every measure with its version and wording status.")
        wording = commands.add_parser("import-wording", help="Import licensed item wording.")
        wording.add_argument("file", type=Path)
        wording.add_argument("--organisation", required=True, help="The organisation's name.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for definition in sorted(load_definitions().values(), key=lambda d: d.key):
                wording = "with wording" if definition.includes_wording else "scoring only"
                self.stdout.write(
                    f"{definition.key:<18} v{definition.version}  {definition.short_title:<24} "
                    f"{definition.item_count:>2} items  {wording}"
                )
            return
        self._import(options["file"], options["organisation"])

    def _import(self, path: Path, organisation_name: str) -> None:
        organisation = Organisation.objects.filter(name=organisation_name).first()
        if organisation is None:
            raise CommandError(f"No organisation is called {organisation_name!r}.")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text.") from None
        except yaml.YAMLError:
            raise CommandError(f"{path} is not valid YAML.") from None
        if not isinstance(data, dict):
            raise CommandError(f"{path} must hold measure, licence, labels and items.")
        try:
            definition = get_definition(str(data.get("measure")))
        except KeyError as error:
            raise CommandError(error.args[0]) from None
        if definition.includes_wording:
            raise CommandError(f"{definition.short_title} already ships with its wording.")
        items, labels = data.get("items"), data.get("labels")
        if not isinstance(items, list) or len(items) != definition.item_count:
            raise CommandError(
                f"{definition.short_title} needs {definition.item_count} item texts."
            )
        if not isinstance(labels, list) or len(labels) != len(definition.scale.labels):
            raise CommandError(
                f"{definition.short_title} needs {len(definition.scale.labels)} answer labels."
            )
        if not all(isinstance(text, str) and text.strip() for text in [*items, *labels]):
            raise CommandError("Every item text and answer label must be non-empty text.")
        if not data.get("licence"):
            raise CommandError("Say under which licence or permission the wording is used.")
        import_wording(organisation=organisation, definition=definition, data=data)
        self.stdout.write(
            f"Imported wording for {definition.short_title} into {organisation.name}."
        )
