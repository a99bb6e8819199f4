"""Accepting an invitation: the link from the e-mail, then choosing a password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from tending.accounts.forms import SetPasswordForm
from tending.accounts.services import InvitationError, accept_invitation, find_invitation
from tending.accounts.throttling import address, check, limited_page, peek, with_retry_after
from tending.accounts.views.signin import SIGN_IN_EMAIL

INVITATION_TOKEN = "tending_invitation_token"  # noqa: S105  # nosec B105  # a session key name

PROBLEMS = {
    "invalid": "This invitation link is not complete or not valid. Check you used the whole "
    "link from the email, or ask for a new invitation.",
    "expired": "This invitation has expired. Ask the person who invited you to send a new one.",
    "revoked": "This invitation was replaced by a newer one. Use the link in the latest email.",
    "accepted": "This invitation has already been used. Sign in with your email address "
    "and the password you chose.",
    "email_taken": "There is already an account with this email address. Ask the person who "
    "invited you to use a different address.",
}


@never_cache
def invitation_open(request: HttpRequest, token: str) -> HttpResponse:
    """Keep the token in the session and move it out of the address bar and history."""
    # Each link opened from one address counts, so nobody can try tokens quickly.
    refusal = check(request, "invitation_accept", address(request))
    if refusal is not None:
        return limited_page(request, refusal)
    if request.user.is_authenticated:
        logout(request)
    request.session[INVITATION_TOKEN] = token
    return redirect("invitation_accept")


def _problem(request: HttpRequest, reason: str) -> HttpResponse:
    request.session.pop(INVITATION_TOKEN, None)
    return render(
        request, "accounts/invitation_problem.html", {"problem": PROBLEMS[reason]}, status=404
    )


@sensitive_post_parameters()
@never_cache
def invitation_accept(request: HttpRequest) -> HttpResponse:
    token = request.session.get(INVITATION_TOKEN, "")
    # Refuse before the form is shown, so nobody types a password only to be turned away.
    refusal = peek("invitation_accept", address(request)) if request.method != "POST" else None
    if refusal is not None:
        return limited_page(request, refusal)
    try:
        invitation = find_invitation(token)
    except InvitationError as error:
        return _problem(request, error.reason)
    form = SetPasswordForm(
        request.POST if request.method == "POST" else None,
        email=invitation.email,
        name=invitation.name,
    )
    refusal = None
    if request.method == "POST" and form.is_valid():
        refusal = check(request, "invitation_accept", address(request))
        if refusal is None:
            try:
                accept_invitation(
                    request=request, token=token, password=form.cleaned_data["password1"]
                )
            except InvitationError as error:
                return _problem(request, error.reason)
            request.session.pop(INVITATION_TOKEN, None)
            messages.success(request, "Your password is set. Sign in to continue.")
            # Fill in the address on the sign-in page without putting it in the URL.
            request.session[SIGN_IN_EMAIL] = invitation.email
            return redirect("sign_in")
        form.add_error(None, f"There were many attempts from this network. {refusal.message()}")
    context = {"form": form, "invitation": invitation}
    status = 429 if refusal else 400 if form.errors else 200
    response = render(request, "accounts/invitation_accept.html", context, status=status)
    return with_retry_after(response, refusal) if refusal else response
