"""Refuse to start with unusable encryption keys, rather than fail on the first record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import connections

from tending.encryption.fields import EncryptedTextField
from tending.encryption.keys import DecryptionError, KeyConfigurationError, decrypt, encrypt


@register()
def check_field_encryption_keys(**kwargs: Any) -> list[CheckMessage]:
    try:
        canary = "tending-canary"
        if decrypt(encrypt(canary)) != canary:
            raise KeyConfigurationError("The keys do not round-trip.")
    except KeyConfigurationError as error:
        return [Error(str(error), hint="Set TENDING_FIELD_ENCRYPTION_KEYS.", id="tending.E001")]
    return []


def columns_the_keys_do_not_open(using: str = "default") -> list[str]:
    """The encrypted columns ("table.column") whose oldest or newest stored value no configured
    key decrypts: the database was written under other keys (restored without its own)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    tables = set(connection.introspection.table_names())
    unopened = []
    for model in apps.get_models():
        table = model._meta.db_table
        if table not in tables:
            continue  # not migrated yet
        for field in model._meta.concrete_fields:
            if not isinstance(field, EncryptedTextField):
                continue
            column, pk = quote(field.column), quote(model._meta.pk.column)
            values: list[str] = []
            with connection.cursor() as cursor:
                for order in ("ASC", "DESC"):
                    cursor.execute(
                        f"SELECT {column} FROM {quote(table)} WHERE {column} <> ''"  # noqa: S608  # nosec B608  # names from models
                        f" ORDER BY {pk} {order} LIMIT 1"
                    )
                    values += [row[0] for row in cursor.fetchall()]
            if not _all_open(values):
                unopened.append(f"{table}.{field.column}")
    return unopened


def _all_open(values: Iterable[str]) -> bool:
    try:
        for value in values:
            decrypt(value)
    except (DecryptionError, KeyConfigurationError):
        return False
    return True


@register(Tags.database)
def check_keys_open_the_database(databases: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Run by `tending check --database default` and by `migrate`: stored text must open."""
    errors: list[CheckMessage] = []
    for alias in databases or ():
        unopened = columns_the_keys_do_not_open(alias)
        if unopened:
            errors.append(
                Error(
                    "The configured field-encryption keys do not open the encrypted text in "
                    f"this database ({', '.join(unopened[:3])}).",
                    hint="Set TENDING_FIELD_ENCRYPTION_KEYS to the keys it was written with "
                    "(after a restore: those of the installation the backup came from).",
                    id="tending.E002",
                )
            )
    return errors
