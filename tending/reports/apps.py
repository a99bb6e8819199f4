from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class ReportsConfig(AppConfig):
    name = "tending.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from django.apps import apps

        from tending.reports import signals

        for label in (
            "measures.Response",
            "measures.RiskAlert",
            "practices.PracticeLog",
            "assignments.Assignment",
        ):
            model = apps.get_model(label)
            post_save.connect(signals.client_record_changed, sender=model)
            post_delete.connect(signals.client_record_changed, sender=model)
        # A clinician moved to another organisation (an operator's change) sees a new caseload.
        post_save.connect(signals.membership_changed, sender=apps.get_model("accounts.Membership"))
        client = apps.get_model("accounts.ClientProfile")
        pre_save.connect(signals.remember_clinician, sender=client)
        post_save.connect(signals.client_profile_changed, sender=client)
        post_delete.connect(signals.client_profile_changed, sender=client)
