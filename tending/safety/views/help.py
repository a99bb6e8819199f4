"""Need help now? Open to everyone, signed in or not, with no sign-in wall.

Here rather than in `accounts` because a signed-in client sees their own safety plan at the
top, and `accounts` sits below this app.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tending.accounts.access import signed_in_user
from tending.safety.plan import shown_in_crisis


def crisis_help(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    profile = getattr(user, "client_profile", None) if user and user.role == "client" else None
    context = {
        "is_client": profile is not None,
        "safety_plan_version": (
            shown_in_crisis(request=request, client=profile, page="help") if profile else None
        ),
    }
    return render(request, "safety/help.html", context)
