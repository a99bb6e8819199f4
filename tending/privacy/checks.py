"""Catch at start-up a database that holds clients the erasure ledger says were erased.

That happens after a restore by hand (pg_restore, a copied SQLite file) of a backup made before
an erasure. `tending restore` erases them again itself; `tending reapply-erasures` does it after
any other kind of restore.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.checks import CheckMessage, Warning, register
from django.db import DatabaseError

from tending.privacy import ledger, services


@register()
def check_erased_clients_stay_erased(
    app_configs: Sequence[Any] | None = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    entries = ledger.read()
    messages: list[CheckMessage] = []
    if damaged := ledger.damaged_lines():
        messages.append(
            Warning(
                f"The erasure ledger at {ledger.path()} has {len(damaged)} line(s) that cannot "
                f"be read (line {', '.join(map(str, damaged[:5]))}).",
                hint="Compare it with the copy you keep with the keys and copy back any line "
                "it has lost; never delete the file.",
                id="privacy.W003",
            )
        )
    if entries is None and not databases:
        # Nothing to compare, and a plain `check` without a ledger leaves the database alone.
        return messages
    try:
        back = services.clients_still_present(entries or [])
        known = {entry.audit_event for entry in entries or []}
        unlisted = [e for e in services.recorded_erasures() if e.audit_event not in known]
    except DatabaseError:
        return messages  # no database yet, or one not migrated: nothing to compare
    if back:
        messages.append(
            Warning(
                f"The database holds {len(back)} client(s) that the erasure ledger says were "
                "erased, probably because a backup made before the erasure was restored.",
                hint="Run `tending reapply-erasures` before starting Tending.",
                id="privacy.W001",
            )
        )
    if unlisted and entries is None:
        messages.append(
            Warning(
                f"The database records {len(unlisted)} erasure(s) but there is no erasure "
                f"ledger at {ledger.path()}.",
                hint="Copy the ledger back from where you keep it with the keys. If it is lost, "
                "`tending reapply-erasures --rebuild-ledger` starts a new one from the database.",
                id="privacy.W002",
            )
        )
    elif unlisted:
        messages.append(
            Warning(
                f"The database records {len(unlisted)} erasure(s) missing from the erasure "
                f"ledger at {ledger.path()}.",
                hint="Run `tending reapply-erasures` to add them.",
                id="privacy.W002",
            )
        )
    return messages
