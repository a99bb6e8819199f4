"""The erasure ledger: one line per erasure, kept outside the database so a restore cannot undo it.

A restore puts back the database as it was when the backup was made, audit trail included, so
the database alone cannot say who was erased since. The ledger can: it lives in the data folder
(`TENDING_DATA_DIR/erasure-ledger.jsonl`), beside the keys and never inside a backup, and a
restore reads it to erase those clients again (see docs/data-subject-rights.md).

Each line is a JSON object with identifiers only, never a name, address or clinical text:
`{"client": uuid, "organisation": uuid, "erased_at": iso time, "audit_event": uuid}`. Lines are
only ever appended, each with one write and an fsync.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from uuid import UUID

from django.conf import settings

FILE_NAME = "erasure-ledger.jsonl"


@dataclass(frozen=True)
class Entry:
    client: UUID
    organisation: UUID
    erased_at: datetime
    audit_event: UUID

    def to_line(self) -> bytes:
        fields = {
            "client": str(self.client),
            "organisation": str(self.organisation),
            "erased_at": self.erased_at.isoformat(),
            "audit_event": str(self.audit_event),
        }
        return json.dumps(fields, sort_keys=True).encode() + b"\n"

    @classmethod
    def from_line(cls, line: str) -> Entry:
        fields = json.loads(line)
        return cls(
            client=UUID(fields["client"]),
            organisation=UUID(fields["organisation"]),
            erased_at=datetime.fromisoformat(fields["erased_at"]),
            audit_event=UUID(fields["audit_event"]),
        )


def path() -> Path:
    """Return where the ledger lives: in the data folder, which no restore replaces."""
    return Path(settings.DATA_DIR) / FILE_NAME


def _parsed() -> tuple[list[Entry], list[int]] | None:
    try:
        text = path().read_text()
    except FileNotFoundError:
        return None
    entries, damaged = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(Entry.from_line(line))
        except (ValueError, KeyError, TypeError):
            damaged.append(number)
    return entries, damaged


def read() -> list[Entry] | None:
    """Return every readable entry in the ledger, oldest first, or None if there is no ledger.

    A damaged line (cut short when the machine stopped mid-write, or edited by hand) is left
    out; `damaged_lines` names it, and the system check reports it.
    """
    parsed = _parsed()
    return None if parsed is None else parsed[0]


def damaged_lines() -> list[int]:
    """Return the numbers of the ledger's lines that cannot be read."""
    parsed = _parsed()
    return [] if parsed is None else parsed[1]


def append(entry: Entry) -> None:
    """Add `entry` to the ledger and return once it is on disk (file and, if new, folder)."""
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    created = not target.exists()
    fd = os.open(target, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        data = entry.to_line()
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            data = b"\n" + data  # start afresh after a line cut short
        if os.write(fd, data) != len(data):
            raise OSError(f"Could not write the whole entry to {target}.")
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
