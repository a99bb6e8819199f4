"""Forgotten passwords: Django's reset views with Tending's pages and audit events.

Resetting a password never signs anyone in and never skips the second factor.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.utils.http import urlsafe_base64_decode

from tending.accounts.forms import ResetRequestForm
from tending.accounts.models import User, normalise_email
from tending.accounts.throttling import address, check, with_retry_after
from tending.accounts.two_factor import discard_unconfirmed
from tending.audit.services import record


class PasswordResetRequest(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = ResetRequestForm
    success_url = reverse_lazy("password_reset_sent")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form()
        refusal = check(request, "password_reset", address(request))
        if refusal is None and form.is_valid():
            # Counted for any address, so a refusal says nothing about whether it has an account.
            email = f"email:{normalise_email(form.cleaned_data['email'])}"
            refusal = check(request, "password_reset_email", email)
        if refusal is None:
            return self.form_valid(form) if form.is_valid() else self.form_invalid(form)
        form.add_error(None, f"There were many requests to reset a password. {refusal.message()}")
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        return with_retry_after(response, refusal)

    def form_valid(self, form: Any) -> HttpResponse:
        if settings.SITE_URL:
            self.domain_override = urlsplit(settings.SITE_URL).netloc
        with transaction.atomic():
            for user in form.get_users(form.cleaned_data["email"]):
                record(
                    action="password_reset.requested",
                    request=self.request,
                    actor=None,
                    organisation=user.organisation,
                    target=user,
                )
        return super().form_valid(form)


class PasswordResetSent(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetChoose(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_choose.html"
    success_url = reverse_lazy("sign_in")

    def get_user(self, uidb64: str) -> User | None:
        try:
            public_id = uuid.UUID(bytes=urlsafe_base64_decode(uidb64))
        except ValueError:
            return None
        return User.objects.filter(public_id=public_id).first()

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            # A half-set-up authenticator may have been started by whoever knew the old one.
            discard_unconfirmed(form.user)
            record(action="password.reset", request=self.request, actor=form.user)
        messages.success(self.request, "Your new password is set. Sign in with it now.")
        return response
