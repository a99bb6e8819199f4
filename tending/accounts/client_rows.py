"""Records a client has exactly one of (a formulation, a safety plan, contact details)."""

from __future__ import annotations

from typing import TypeVar

from django.db import IntegrityError, models, transaction

from tending.accounts.models import ClientProfile

Row = TypeVar("Row", bound=models.Model)


def locked_client_row(model: type[Row], client: ClientProfile) -> Row:
    """Return `client`'s one row of `model`, made empty if missing, locked until the
    surrounding transaction ends (so two saves at once queue instead of both writing)."""
    rows = model._default_manager.select_for_update()
    row = rows.filter(client=client).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return model._default_manager.create(client=client)
    except IntegrityError:  # made by someone else a moment ago
        return rows.get(client=client)
