"""Sign-in by e-mail and password, loading each request's user with their role in one query."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from tending.accounts.models import User


class AccountBackend(ModelBackend):
    """Django's model backend, but a signed-in staff member arrives with their membership and
    organisation joined in: every staff page needs both. (Joining the client profile as well
    measured slower than loading it when a client page asks for it.)"""

    def get_user(self, user_id: Any) -> User | None:
        user = (
            User._default_manager.select_related("membership__organisation")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
