from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

# Django's admin is for server operators only, and only after a second factor.
admin.site.__class__ = OTPAdminSite
admin.site.site_header = "Tending operations"

urlpatterns = [
    path("", include("tending.accounts.urls")),
    path("", include("tending.practices.urls")),
    path("", include("tending.safety.urls")),
    path("", include("tending.measures.urls")),
    path("", include("tending.assignments.urls")),
    path("", include("tending.formulation.urls")),
    path("", include("tending.understanding.urls")),
    path("", include("tending.journal.urls")),
    path("", include("tending.therapy_sessions.urls")),
    path("", include("tending.reports.urls")),
    path("", include("tending.privacy.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "tending.web.errors.bad_request"
handler403 = "tending.web.errors.permission_denied"
handler404 = "tending.web.errors.page_not_found"
handler500 = "tending.web.errors.server_error"
