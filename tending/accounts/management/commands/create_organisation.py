from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse

from tending.accounts.models import Membership, Organisation, User
from tending.accounts.services import absolute_url, invite_staff


class Command(BaseCommand):
    help = (
        "Create an organisation and e-mail its first administrator an invitation "
        "(single-use link, valid for TENDING_INVITATION_DAYS days). Prints the link too, "
        "for when e-mail is not set up yet."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The organisation's name.")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"].strip()
        email = options["admin_email"].strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not a valid e-mail address.") from None
        if not name:
            raise CommandError("The organisation needs a name.")
        if Organisation.objects.filter(name=name).exists():
            raise CommandError(f"An organisation called {name!r} already exists.")
        if User.objects.filter(email=email).exists():
            raise CommandError(f"{email} already has an account.")
        with transaction.atomic():
            organisation = Organisation.objects.create(name=name)
            # The invitation is signed by a system account that cannot sign in.
            system, _ = User.objects.get_or_create(
                email="system@tending.invalid", defaults={"name": "Tending", "is_active": False}
            )
            issued = invite_staff(
                request=None,
                organisation=organisation,
                created_by=system,
                name=options["admin_name"],
                email=email,
                role=Membership.Role.ADMIN,
            )
        if issued is None:  # cannot happen for a new organisation; say so rather than guess
            raise CommandError("An invitation was sent moments ago; wait a minute.")
        link = absolute_url(None, reverse("invitation_open", args=[issued.token]))
        self.stdout.write(f"Created {name}. Invitation for {email}:\n{link}")
