"""Sign-in by e-mail and password, loading each request's user with their role in one query."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from tending.accounts.models import User
from tending.fastsql import fetch_one


class AccountBackend(ModelBackend):
    """Django's model backend, but a signed-in staff member arrives with their membership and
    organisation joined in: every staff page needs both. (Joining the client profile as well
    measured slower than loading it when a client page asks for it.)"""

    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        # select_related("membership__organisation"), in plain SQL built once (fastsql.py).
        user = fetch_one(User, "t0.id = %s", [pk], joins=("membership", "membership__organisation"))
        return user if user is not None and self.user_can_authenticate(user) else None
