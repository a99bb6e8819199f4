"""Revision counters that key the report caches. Reports own no clinical data.

A counter moves in the same transaction as any change a report shows (see `signals.py`), so
a cached report is only reused while nothing it depends on has changed.
"""

from __future__ import annotations

import functools

from django.db import models

from tending.accounts.models import ClientProfile, User


class ClientRevision(models.Model):
    client = models.OneToOneField(
        ClientProfile, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"revision {self.number} of {self.client_id}"


class CaseloadRevision(models.Model):
    clinician = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"revision {self.number} of {self.clinician_id}'s caseload"


def current_number(model: type[ClientRevision] | type[CaseloadRevision], key: int) -> int:
    """The revision number for `key` (0 before the first change), read on every report page.

    Plain SQL: this runs on every dashboard and progress request, and the ORM's query building
    costs fifteen times the lookup itself here.
    """
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {table} WHERE {column} = %s", [key])  # noqa: S608  # nosec B608
        row = cursor.fetchone()
    return int(row[0]) if row else 0


@functools.cache  # one database per process; the SQL is the same on every request
def revision_annotations() -> tuple[tuple[str, str], ...]:
    """The client's revision and their clinician's caseload revision (NULL if none yet), to
    read in the query that loads the client for a clinician (`get_client_for_user`, which
    names the client row `t0` and only returns a client of the requesting clinician)."""
    from django.db import connection

    quote = connection.ops.quote_name
    clients, caseloads = ClientRevision._meta, CaseloadRevision._meta
    client = ClientProfile._meta
    return (
        (
            "client_revision",
            f"SELECT number FROM {quote(clients.db_table)}"  # noqa: S608  # nosec B608
            f" WHERE {quote(clients.pk.column)} = t0.{quote(client.pk.column)}",
        ),
        (
            "caseload_revision",
            f"SELECT number FROM {quote(caseloads.db_table)}"  # noqa: S608  # nosec B608
            f" WHERE {quote(caseloads.pk.column)}"
            f" = t0.{quote(client.get_field('primary_clinician').column)}",
        ),
    )
