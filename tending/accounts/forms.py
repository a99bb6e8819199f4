from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.http import urlsafe_base64_encode

from tending.accounts.models import (
    ESCALATION_HOURS_DEFAULT,
    ESCALATION_HOURS_MAX,
    ESCALATION_HOURS_MIN,
    CrisisContact,
    Invitation,
    Membership,
    Organisation,
    User,
)


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": (
            "That email address and password do not match an account. Check them and try again."
        ),
        "inactive": "This account is not active. Contact your organisation.",
    }


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=24,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class SetupCodeForm(forms.Form):
    code = forms.CharField(
        label="6-digit code from the app",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ClientForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=150,
        help_text="The name they like to be called.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We send a private link here so they can set a password.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class StaffInvitationForm(forms.Form):
    name = forms.CharField(label="Name", max_length=150)
    email = forms.EmailField(
        label="Work email address",
        max_length=254,
        help_text="We send a private link here so they can set a password.",
    )
    role = forms.ChoiceField(
        label="Role",
        choices=[
            (Invitation.Role.CLINICIAN, "Clinician: sees the clients on their own caseload"),
            (Invitation.Role.ADMIN, "Organisation admin: settings, members and audit trail"),
        ],
        widget=forms.RadioSelect,
        initial=Invitation.Role.CLINICIAN,
    )


class SetPasswordForm(forms.Form):
    """Choose a first password for an account that does not exist yet."""

    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. A few unrelated words make a strong, memorable one.",
    )
    password2 = forms.CharField(
        label="Type it again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unsaved_user = User(email=email, name=name)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are different. Type them again.")
        elif first:
            try:
                password_validation.validate_password(first, self.unsaved_user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class CoverChoiceField(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.name or obj.email


class OrganisationForm(forms.ModelForm[Organisation]):
    escalation_hours = forms.IntegerField(
        label="If nobody records what they did about risk answers within this many hours",
        min_value=ESCALATION_HOURS_MIN,
        max_value=ESCALATION_HOURS_MAX,
        required=False,  # left out of a post, the current setting stays (see the clean method)
        help_text=(
            f"From {ESCALATION_HOURS_MIN} to {ESCALATION_HOURS_MAX} hours. We suggest "
            f"{ESCALATION_HOURS_DEFAULT}: the client's own clinician has had a working day to "
            "see it, and an absence is noticed within a day rather than on their return."
        ),
        error_messages={
            "min_value": f"Choose at least {ESCALATION_HOURS_MIN} hour.",
            "max_value": f"Choose at most {ESCALATION_HOURS_MAX} hours (three days).",
            "invalid": "Give a whole number of hours.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    cover_clinicians = CoverChoiceField(
        label="Then also tell these clinicians",
        queryset=User.objects.none(),
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose clinicians of your own organisation who can still sign in.",
            "invalid_pk_value": "Choose clinicians of your own organisation who can still sign in.",
        },
        help_text=(
            "Clinicians of your organisation who provide cover. Nobody is told twice about their "
            "own client's alert, so name two people if you can. Deactivated members are never told."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only this organisation's active clinicians can be chosen; anyone else is refused.
        self.fields["cover_clinicians"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            membership__organisation=self.instance,
            membership__role=Membership.Role.CLINICIAN,
            is_active=True,
        ).order_by("name", "pk")

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        if any(ord(character) < 32 for character in name):
            raise forms.ValidationError("Use one line, without tabs or line breaks.")
        return name.strip()

    def clean_escalation_hours(self) -> int:
        hours: int | None = self.cleaned_data.get("escalation_hours")
        if hours is not None:
            return hours
        if self.add_prefix("escalation_hours") in self.data:
            raise forms.ValidationError(
                f"Give a number of hours from {ESCALATION_HOURS_MIN} to {ESCALATION_HOURS_MAX}."
            )
        return self.instance.escalation_hours

    class Meta:
        model = Organisation
        fields = ["name", "crisis_message", "escalation_hours", "cover_clinicians"]
        labels = {"name": "Organisation name", "crisis_message": "Message to clients"}
        widgets = {"crisis_message": forms.Textarea(attrs={"rows": 3})}


CrisisContactFormSet: type[BaseInlineFormSet[CrisisContact, Organisation, Any]] = (
    inlineformset_factory(
        Organisation,
        CrisisContact,
        fields=["name", "phone", "text_number", "description"],
        extra=2,
        max_num=12,
        validate_max=True,
        can_delete=True,
    )
)


class RemoveTwoFactorForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your current password.")
        return password


class ResetRequestForm(PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def send_mail(self, *args: Any, **kwargs: Any) -> None:
        # Django puts the row id in the link; Tending's URLs carry only public ids.
        context = args[2]
        context["uid"] = urlsafe_base64_encode(context["user"].public_id.bytes)
        super().send_mail(*args, **kwargs)


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label="Action", required=False)
    outcome = forms.ChoiceField(label="Outcome", required=False)
    actor = forms.UUIDField(label="Person", required=False)
    client = forms.UUIDField(
        label="Client reference",
        required=False,
        help_text="The full reference from an event, as in the downloaded file.",
    )
    start = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    end = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("start", "end"):
            day = cleaned.get(name)
            if day is not None and not 2000 <= day.year <= 2100:
                self.add_error(name, "Choose a date between the years 2000 and 2100.")
        return cleaned

    def __init__(
        self,
        *args: Any,
        actions: list[str],
        people: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "All actions"), *[(a, a) for a in actions]]  # type: ignore[attr-defined]
        self.fields["outcome"].choices = [  # type: ignore[attr-defined]
            ("", "All outcomes"),
            ("success", "Success"),
            ("failure", "Failure"),
            ("denied", "Denied"),
        ]
        self.fields["actor"].widget = forms.Select(choices=[("", "Anyone"), *people])
