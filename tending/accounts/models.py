"""People and organisations: users, clinics, memberships, clients and invitations."""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import datetime
from functools import cached_property
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from tending.web.paths import path_for


def normalise_email(email: str) -> str:
    """Return the e-mail address trimmed and lower-cased: one address, one account."""
    return email.strip().lower()


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest under which a secret token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=normalise_email(username or ""))

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(email=normalise_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Their role comes from a Membership or a ClientProfile.

    `is_staff` means a server operator who may use Django's admin, not a clinician.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    @cached_property
    def role(self) -> str:
        """Return "admin", "clinician", "client", "operator" or "" for this person."""
        membership = getattr(self, "membership", None)
        if membership is not None:
            return str(membership.role)
        if getattr(self, "client_profile", None) is not None:
            return "client"
        return "operator" if self.is_staff else ""

    @property
    def audit_role(self) -> str:
        return self.role

    @cached_property
    def organisation(self) -> Organisation | None:
        """Return the organisation this person works in or is a client of, if any."""
        membership = getattr(self, "membership", None)
        if membership is not None:
            return membership.organisation  # type: ignore[no-any-return]
        profile = getattr(self, "client_profile", None)
        return profile.organisation if profile is not None else None

    @property
    def needs_two_factor(self) -> bool:
        """Return True when this person can see other people's records: 2FA is required."""
        return self.role in {"admin", "clinician", "operator"}


# How long a risk alert may wait unacknowledged before the organisation's cover people are told.
# A day by default: the client's clinician has had a working day to see it, and an absence is
# noticed within a day rather than on their return. An hour gives them a fair chance to read
# their own e-mail first; three days covers a long weekend, and waiting longer defeats the point.
ESCALATION_HOURS_DEFAULT = 24
ESCALATION_HOURS_MIN = 1
ESCALATION_HOURS_MAX = 72


class Organisation(models.Model):
    """A clinic or service: it employs clinicians and is responsible for its clients."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    crisis_message = models.TextField(
        blank=True,
        help_text="Shown to clients under “Need help now?”, above the contacts below.",
    )
    escalation_hours = models.PositiveSmallIntegerField(
        default=ESCALATION_HOURS_DEFAULT,
        validators=[
            MinValueValidator(ESCALATION_HOURS_MIN),
            MaxValueValidator(ESCALATION_HOURS_MAX),
        ],
    )
    # Clinicians told about a risk alert nobody has acknowledged after `escalation_hours`.
    cover_clinicians = models.ManyToManyField(User, blank=True, related_name="covers_for")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    escalation_hours__gte=ESCALATION_HOURS_MIN,
                    escalation_hours__lte=ESCALATION_HOURS_MAX,
                ),
                name="accounts_org_escalation_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def active_cover(self) -> models.QuerySet[User]:
        """Return the named cover people who may still be told: active clinicians of this
        organisation. A deactivated member stays named but is never told."""
        return self.cover_clinicians.filter(
            is_active=True,
            membership__organisation=self,
            membership__role=Membership.Role.CLINICIAN,
        ).order_by("name", "pk")


class CrisisContact(models.Model):
    """A service a client can call or text at a bad moment, shown on every client page."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="crisis_contacts"
    )
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=40, blank=True)
    text_number = models.CharField("text (SMS) number", max_length=40, blank=True)
    description = models.CharField(
        max_length=200, blank=True, help_text="For example: free, 24 hours a day."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.phone and not self.text_number:
            raise ValidationError("Give a phone number, a text number or both.")
        for field in ("phone", "text_number"):
            value = getattr(self, field)
            if value and not re.fullmatch(r"[+0-9 ()\-]{2,40}", value):
                raise ValidationError({field: "Use digits, spaces, brackets, + and - only."})

    @staticmethod
    def _dial(number: str) -> str:
        return re.sub(r"[^+0-9]", "", number)

    @property
    def phone_href(self) -> str:
        return f"tel:{self._dial(self.phone)}" if self.phone else ""

    @property
    def text_href(self) -> str:
        return f"sms:{self._dial(self.text_number)}" if self.text_number else ""


class Membership(models.Model):
    """A staff member's place in one organisation.

    One membership per person: an administrator account administers and a clinician account
    sees clients, so the two duties stay apart and the audit trail says which was used.
    """

    class Role(models.TextChoices):
        ADMIN = "admin", "Organisation admin"
        CLINICIAN = "clinician", "Clinician"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"


class ClientProfile(models.Model):
    """A client of an organisation, on one clinician's caseload.

    `user` stays empty until the client accepts their invitation and sets a password.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="clients")
    primary_clinician = models.ForeignKey(User, on_delete=models.PROTECT, related_name="caseload")
    user = models.OneToOneField(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="client_profile"
    )
    name = models.CharField(max_length=150)
    email = models.EmailField()
    time_zone = models.CharField(
        max_length=64,
        default="Europe/London",
        help_text="The client's own time zone: homework days and reminder times follow it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"], name="accounts_client_email_per_org_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return path_for("client_detail", self.public_id)  # on every client page

    def clean(self) -> None:
        membership = Membership.objects.filter(user_id=self.primary_clinician_id).first()
        if (
            membership is None
            or membership.role != Membership.Role.CLINICIAN
            or membership.organisation_id != self.organisation_id
        ):
            raise ValidationError(
                {"primary_clinician": "Choose a clinician of the client's own organisation."}
            )

    @property
    def has_account(self) -> bool:
        return self.user_id is not None


class Invitation(models.Model):
    """A single-use, expiring link that lets someone set a password and join.

    Only the SHA-256 of the token is stored; the token itself travels once, in the e-mail.
    """

    class Role(models.TextChoices):
        CLIENT = "client", "Client"
        CLINICIAN = "clinician", "Clinician"
        ADMIN = "admin", "Organisation admin"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    email = models.EmailField()
    name = models.CharField(max_length=150)
    client = models.ForeignKey(
        ClientProfile,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="invitations_sent")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role="client", client__isnull=False)
                    | (~models.Q(role="client") & models.Q(client__isnull=True))
                ),
                name="accounts_invitation_client_iff_client_role",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} ({self.get_role_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    def status(self, now: datetime) -> str:
        """Return "accepted", "revoked", "expired" or "pending" at `now`."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if now >= self.expires_at:
            return "expired"
        return "pending"


class RateLimitCount(models.Model):
    """How many requests one person or address made in one time window (see throttling.py).

    The key is an HMAC of the limit's name, who asked and the window, so the table holds no
    e-mail or IP address. Rows live in the database so every web worker shares the counts.
    """

    key = models.CharField(max_length=64, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.count} until {self.expires_at:%Y-%m-%d %H:%M}"
