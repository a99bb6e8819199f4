"""Sign-in by e-mail and password, loading each request's user with their role in one query."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from tending.accounts.models import User


class AccountBackend(ModelBackend):
    """Django's model backend, but a signed-in request's user arrives with their membership
    and organisation, or their client profile, joined in: every page needs one of them."""

    def get_user(self, user_id: Any) -> User | None:
        user = (
            User._default_manager.select_related(
                "membership__organisation", "client_profile__organisation"
            )
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
