from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tending.accounts.demo import DemoError, load_demo_data, load_secrets
from tending.revisions import services as revisions


class Command(BaseCommand):
    help = (
        "Create two fictional demo organisations (an admin, two clinicians and six clients "
        "each, with weeks of practice history) unless they exist, then print their sign-ins. "
        "Sends no e-mail. The password "
        "and authenticator secret come from TENDING_DEMO_PASSWORD and "
        "TENDING_DEMO_TOTP_SECRET, or are generated once and kept in var/."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            demo = load_secrets(settings.DATA_DIR)
        except DemoError as error:
            raise CommandError(str(error)) from None
        created, sign_ins = load_demo_data(demo)
        self.stdout.write("Demo data " + ("created." if created else "already loaded."))
        # Other apps add their own demo records through a hook on their AppConfig, so
        # accounts needs to know nothing about them.
        for config in apps.get_app_configs():
            hook = getattr(config, "load_demo_data", None)
            if callable(hook):
                self.stdout.write(hook())
        # A server may already be running on this database: nothing it kept is current now.
        revisions.everything_changed()
        self.stdout.write("")
        self.stdout.write("Demo sign-ins (fictional people):")
        for organisation, role, email in sign_ins:
            self.stdout.write(f"  {organisation:<30} {role:<34} {email}")
        self.stdout.write("")
        self.stdout.write(f"Password for every demo account: {demo.password}")
        self.stdout.write(
            "Staff also need a code from an authenticator app. Add this key to the app "
            f"(time-based, 6 digits, 30 s): {demo.totp_secret}"
        )
        self.stdout.write(
            f"  or open: otpauth://totp/Tending%20demo?secret={demo.totp_secret}&issuer=Tending"
        )
        self.stdout.write("E-mails (invitations, password resets) are printed in this terminal.")
