"""The front door that sends each person to their own home (Need help now? is in `safety`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tending.accounts.access import is_verified, signed_in_user


def home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user is None:
        return redirect("sign_in")
    role = user.role
    if role == "client":
        return redirect("today")
    if role in {"clinician", "admin"} and not is_verified(request):
        return redirect("two_factor_required")
    if role == "clinician":
        return redirect("dashboard")
    if role == "admin":
        return redirect("organisation_settings")
    if role == "operator":
        return redirect("admin:index")
    return render(request, "accounts/no_role.html", status=403)
