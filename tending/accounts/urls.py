from __future__ import annotations

from django.urls import path

from tending.accounts.views import (
    account,
    caseload,
    invitations,
    organisation,
    password_reset,
    public,
    signin,
)

urlpatterns = [
    path("", public.home, name="home"),
    # Signing in and out
    path("sign-in/", signin.sign_in, name="sign_in"),
    path("sign-in/code/", signin.sign_in_verify, name="sign_in_verify"),
    path("sign-out/", signin.sign_out, name="sign_out"),
    path("two-step-required/", signin.two_factor_required, name="two_factor_required"),
    path("password-reset/", password_reset.PasswordResetRequest.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        password_reset.PasswordResetSent.as_view(),
        name="password_reset_sent",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        password_reset.PasswordResetChoose.as_view(),
        name="password_reset_confirm",
    ),
    path("invitations/accept/", invitations.invitation_accept, name="invitation_accept"),
    path("invitations/<str:token>/", invitations.invitation_open, name="invitation_open"),
    # Your account
    path("account/", account.account_settings, name="account_settings"),
    path("account/password/", account.password_change, name="password_change"),
    path("account/two-step/", account.two_factor_setup, name="two_factor_setup"),
    path("account/two-step/recovery-codes/", account.recovery_codes, name="recovery_codes"),
    path("account/two-step/remove/", account.two_factor_remove, name="two_factor_remove"),
    # Clinicians
    path("caseload/", caseload.caseload, name="caseload"),
    path("clients/add/", caseload.client_add, name="client_add"),
    path("clients/<uuid:client_id>/", caseload.client_detail, name="client_detail"),
    path(
        "clients/<uuid:client_id>/invitation/",
        caseload.client_invitation_resend,
        name="client_invitation_resend",
    ),
    # Organisation admins
    path("organisation/", organisation.organisation_settings, name="organisation_settings"),
    path("organisation/members/", organisation.members, name="members"),
    path("organisation/members/invite/", organisation.member_invite, name="member_invite"),
    path(
        "organisation/members/<uuid:member_id>/deactivate/",
        organisation.member_deactivate,
        name="member_deactivate",
    ),
    path("organisation/audit/", organisation.audit_log, name="audit_log"),
    path("organisation/audit.csv", organisation.audit_log_csv, name="audit_log_csv"),
]
