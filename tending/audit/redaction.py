"""Keep secrets that travel in URLs out of log lines.

Invitation and password-reset links carry their token in the path. Django logs the path of
every 4xx and 5xx response ("Not Found: /invitations/<token>/"), so those tokens are replaced
before any handler sees the line.
"""

from __future__ import annotations

import logging
import re

_SECRET_PATHS = [
    # /invitations/<token>/, but not the fixed page /invitations/accept/
    (re.compile(r"(/invitations/)(?!accept/)[^/\s\"'?]+"), r"\1[redacted]"),
    # /password-reset/<uid>/<token>/; Django then moves the token to the session
    (re.compile(r"(/password-reset/[^/\s\"'?]+/)(?!set-password/)[^/\s\"'?]+"), r"\1[redacted]"),
]


def redact(text: str) -> str:
    """Return `text` with the tokens in invitation and password-reset paths replaced."""
    for pattern, replacement in _SECRET_PATHS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Rewrite a record's message when it names a token-bearing path (never drops it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
