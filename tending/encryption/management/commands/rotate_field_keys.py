from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from tending.encryption.fields import EncryptedTextField
from tending.encryption.keys import DecryptionError, new_key, rotate

BATCH = 500


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field under the newest key in "
        "TENDING_FIELD_ENCRYPTION_KEYS. Put the new key first, keep the old ones after it, run "
        "this, then remove the old keys. Safe to stop and run again. Changes no plaintext. "
        "With --new-key, only print a fresh key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new-key", action="store_true", help="Print a new key and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(new_key())
            return
        total = 0
        for model in apps.get_models():
            for field in model._meta.get_fields():
                if isinstance(field, EncryptedTextField):
                    total += self._rotate_column(model._meta.db_table, field.column)
        self.stdout.write(f"Re-encrypted {total} values under the newest key.")

    def _rotate_column(self, table: str, column: str) -> int:
        quote = connection.ops.quote_name
        select = (
            f"SELECT id, {quote(column)} FROM {quote(table)} "  # noqa: S608  # nosec B608  # names from models
            f"WHERE id > %s AND {quote(column)} <> '' ORDER BY id LIMIT %s"
        )
        update = f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s"  # noqa: S608  # nosec B608
        last_id, count = 0, 0
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(select, [last_id, BATCH])
                rows = cursor.fetchall()
                if not rows:
                    return count
                try:
                    changes = [(rotate(value), pk) for pk, value in rows]
                except DecryptionError:
                    raise CommandError(
                        f"A value in {table}.{column} cannot be decrypted with the configured "
                        "keys. Nothing in this batch was changed; check the key list."
                    ) from None
                cursor.executemany(update, changes)
                last_id, count = rows[-1][0], count + len(rows)
