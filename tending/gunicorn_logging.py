"""Gunicorn settings that keep invitation and password-reset tokens out of its access log.

Those links carry their token in the path. Tending moves the token out of the address bar at
once, but the first request's path would still be written to gunicorn's access log, where it
outlives the link. Run gunicorn with `-c python:tending.gunicorn_logging` (README, deployment)
and every value the access log can show (request line, path, referrer, headers, environment)
passes through the same redaction as Django's own logs (`tending.audit.redaction`).
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from tending.audit.redaction import redact


class RedactingLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        return {
            key: redact(value) if isinstance(value, str) else value
            for key, value in super().atoms(resp, req, environ, request_time).items()
        }


# Read by gunicorn when started with `-c python:tending.gunicorn_logging`.
logger_class = RedactingLogger
