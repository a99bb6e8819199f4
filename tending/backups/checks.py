"""Catch at deploy time what would otherwise fail the first night's backup: no recipients in
production, or recipients `tending backup` cannot use."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from tending.backups.keys import BackupKeyError, recipients


@register("backups", deploy=True)
def check_backup_recipients(**kwargs: Any) -> list[CheckMessage]:
    if not settings.PRODUCTION and not (settings.BACKUP_RECIPIENTS or settings.BACKUP_PASSPHRASE):
        return []  # development makes its own identity at the first backup
    try:
        recipients()
    except BackupKeyError as error:
        return [
            Error(
                str(error),
                hint="Make an identity with `tending backup --new-identity FILE` and set "
                "TENDING_BACKUP_RECIPIENTS to the public key it prints.",
                id="backups.E001",
            )
        ]
    return []
