"""A clinician's dashboard puts risk first; progress charts, the PDF and the CSV download."""

from __future__ import annotations

import csv
import io

import pytest

from tests.browser.journeys import sign_in
from tests.conftest import DEMO_PASSWORD, DEMO_TOTP_SECRET

pytestmark = pytest.mark.browser

# A clinician of their own (each staff sign-in code works once), with three clients: one
# recovering, one getting worse, and one whose latest answers opened a risk episode.
SETUP = f"""
import base64
from datetime import timedelta
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from tending.accounts.models import ClientProfile, Membership, Organisation, User
from tending.safety.episodes import RiskItem, raise_risk
from tending.testing.report_records import scored_response

organisation = Organisation.objects.get(name="Riverside Compassion Clinic")
ines = User.objects.create_user("ines@riverside.example", {DEMO_PASSWORD!r}, name="Ines Carter")
Membership.objects.create(user=ines, organisation=organisation, role="clinician")
TOTPDevice.objects.create(
    user=ines, name="Phone", confirmed=True, key=base64.b32decode({DEMO_TOTP_SECRET!r}).hex()
)
now = timezone.now()
clients = {{}}
for name in ("Ava Recovering", "Ben Worsening", "Zoe Alerted"):
    clients[name] = ClientProfile.objects.create(
        organisation=organisation, primary_clinician=ines, name=name,
        email=name.split()[0].lower() + "@clients.riverside.example",
    )
for weeks, total in [(10, 19), (6, 14), (1, 7)]:
    scored_response(clients["Ava Recovering"], now - timedelta(weeks=weeks), total)
for weeks, total in [(8, 6), (1, 15)]:
    scored_response(clients["Ben Worsening"], now - timedelta(weeks=weeks), total)
latest = scored_response(clients["Zoe Alerted"], now - timedelta(days=1), 12)
raise_risk(
    request=None, client=clients["Zoe Alerted"], response_id=latest.public_id,
    measure_key="phq9", measure_title="PHQ-9", items=[RiskItem(9, 1, "", "Several days")],
    priority="standard", answered_at=latest.completed_at,
)
"""


def test_a_clinician_sees_risk_first_then_reads_progress_and_downloads_it(
    new_page, server, check_accessibility
):
    check = check_accessibility
    server.shell(SETUP)
    page = new_page()
    sign_in(page, "ines@riverside.example", code=True)
    page.wait_for_url("**/dashboard/")
    table = page.get_by_role("region", name="Caseload dashboard")
    rows = table.get_by_role("row")
    # Header, then the risk answer first even though Z sorts last, then "deteriorated" first.
    assert rows.nth(1).get_by_role("rowheader").text_content().startswith("Zoe Alerted")
    assert "Risk answer" in rows.nth(1).text_content()
    banner = page.get_by_role("alert").filter(has_text="with risk answers waiting for you")
    words = " ".join(banner.text_content().split())
    assert "1 client with risk answers waiting for you: Zoe Alerted (standard, 1 answer)" in words
    assert rows.nth(2).get_by_role("rowheader").text_content() == "Ben Worsening"
    assert "PHQ-9: deteriorated" in rows.nth(2).text_content()
    assert "PHQ-9: recovered" in rows.nth(3).text_content()
    check(page)

    page.get_by_role("link", name="Client", exact=True).click()  # sort by name
    page.wait_for_url("**/dashboard/?sort=name")
    rows = page.get_by_role("region", name="Caseload dashboard").get_by_role("row")
    assert rows.nth(1).get_by_role("rowheader").text_content().startswith("Zoe Alerted")
    assert rows.nth(2).get_by_role("rowheader").text_content() == "Ava Recovering"

    page.get_by_role("link", name="Progress for Ava Recovering").click()
    page.wait_for_url("**/progress/")
    chart = page.get_by_role("img", name="PHQ-9 total over time, with practice minutes each week")
    assert chart.is_visible()
    assert "Since the first score: recovered" in page.locator("#chart-phq9-desc").text_content()
    page.get_by_text("PHQ-9 scores as a table").click()
    scores = page.get_by_role("region", name="PHQ-9 scores")
    cells = scores.get_by_role("row").nth(3).get_by_role("cell").all_text_contents()
    assert cells[:3] == ["7", "Mild", "Recovered (-12)"]
    check(page)

    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download as PDF").click()
    assert pdf.value.suggested_filename.startswith("progress-")
    assert pdf.value.path().read_bytes()[:5] == b"%PDF-"
    with page.expect_download() as data:
        page.get_by_role("link", name="Download data (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(data.value.path().read_text())))
    assert [row["value"] for row in rows if row["record_type"] == "score"] == ["19", "14", "7"]

    # On a phone, in dark mode, the page still reads well.
    page.set_viewport_size({"width": 360, "height": 780})
    page.emulate_media(color_scheme="dark")
    check(page)
