"""The `tending` command: Django's management commands plus Tending's own.

Command names may be written with hyphens (`tending demo-data`); they map to the module names
Django expects (`demo_data`).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tending.settings")
    try:
        from django.core.exceptions import ImproperlyConfigured
        from django.core.management import execute_from_command_line

        execute_from_command_line(argv)
    except ImproperlyConfigured as error:
        # A configuration mistake gets one clear line, not a traceback.
        sys.stderr.write(f"tending: configuration error: {error}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
