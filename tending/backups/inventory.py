"""What a database and a media folder hold: row counts and content digests per table, and a
checksum per file. A backup records its inventory; a restore must reproduce it exactly.

Works on plain DB-API cursors, so the same code reads a live database, a backup copy and a
restored one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

Cursor = Any  # a DB-API cursor (sqlite3 or psycopg)


def _plain(value: object) -> object:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def sqlite_tables(cursor: Cursor) -> dict[str, list[str]]:
    """Return each table's name with its primary-key columns (or all its columns)."""
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    tables = {}
    for (name,) in cursor.fetchall():
        cursor.execute(f'PRAGMA table_info("{name}")')
        columns = cursor.fetchall()  # (cid, name, type, notnull, default, pk)
        keys = [column[1] for column in sorted(columns, key=lambda c: c[5]) if column[5]]
        tables[name] = keys or [column[1] for column in columns]
    return tables


def postgres_tables(cursor: Cursor) -> dict[str, list[str]]:
    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    names = [row[0] for row in cursor.fetchall()]
    tables = {}
    for name in names:
        cursor.execute(
            "SELECT k.column_name FROM information_schema.table_constraints c "
            "JOIN information_schema.key_column_usage k "
            "ON k.constraint_name = c.constraint_name AND k.table_schema = c.table_schema "
            "WHERE c.table_schema = current_schema() AND c.table_name = %s "
            "AND c.constraint_type = 'PRIMARY KEY' ORDER BY k.ordinal_position",
            [name],
        )
        keys = [row[0] for row in cursor.fetchall()]
        if not keys:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s "
                "ORDER BY ordinal_position",
                [name],
            )
            keys = [row[0] for row in cursor.fetchall()]
        tables[name] = keys
    return tables


def table_digests(
    cursor: Cursor, tables: dict[str, list[str]], quote: Callable[[str], str]
) -> dict[str, dict[str, object]]:
    """Return {table: {"rows": n, "sha256": hex}} over every row, in primary-key order."""
    result: dict[str, dict[str, object]] = {}
    for name, order in tables.items():
        digest = hashlib.sha256()
        ordering = ", ".join(quote(column) for column in order)
        cursor.execute(f"SELECT * FROM {quote(name)} ORDER BY {ordering}")  # noqa: S608  # nosec B608
        count = 0
        while rows := cursor.fetchmany(2000):
            for row in rows:
                digest.update(json.dumps([_plain(v) for v in row], default=str).encode())
                digest.update(b"\n")
            count += len(rows)
        result[name] = {"rows": count, "sha256": digest.hexdigest()}
    return result


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def media_files(root: Path) -> dict[str, dict[str, object]]:
    """Return {relative path: {"bytes": n, "sha256": hex}} for every file under `root`."""
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): {
            "bytes": path.stat().st_size,
            "sha256": file_digest(path),
        }
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }
