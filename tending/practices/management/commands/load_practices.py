from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tending.practices.library import LibraryError
from tending.practices.services import load_builtin_practices


class Command(BaseCommand):
    help = (
        "Load the built-in practices from tending/practices/library/*.yaml: add new ones and "
        "update those whose version went up. Never deletes a practice or goes back a version. "
        "`migrate` runs this too."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            created, updated = load_builtin_practices()
        except LibraryError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Built-in practices: {created} added, {updated} updated.")
