"""The safety plan: written together in versions, never overwritten, shown at a crisis moment,
reviewed by the clinician, downloaded as one page."""

from __future__ import annotations

import io
import uuid

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from pypdf import PdfReader

from tending.accounts.models import CrisisContact
from tending.audit.models import AuditEvent
from tending.privacy.services import erase_client
from tending.safety.models import SafetyPlan, SafetyPlanVersion
from tending.safety.plan_parts import PART_MAX_LENGTH, PLAN_PART_KEYS
from tending.safety.review import needs_review
from tending.testing.measure_records import PHQ9_POSITIVE, answer_phq9
from tending.testing.personas import sign_in

WORDS = "Ring Ciara on 020 7946 0018 & sit in the garden"
NOT_REVIEWED = "Safety plan not reviewed since the last risk answer"


def _post(based_on: int = 0, token: uuid.UUID | None = None, **texts: str) -> dict[str, str]:
    return (
        dict.fromkeys(PLAN_PART_KEYS, "")
        | {"based_on": str(based_on), "token": str(token or uuid.uuid4())}
        | texts
    )


@pytest.fixture
def mine(world) -> Client:
    return sign_in(Client(), world.client_a.user)


@pytest.fixture
def theirs(world) -> Client:
    return sign_in(Client(), world.clinician_a)


def _versions(world) -> list[int]:
    return list(
        SafetyPlanVersion.objects.filter(plan__client=world.client_a)
        .order_by("number")
        .values_list("number", flat=True)
    )


def test_it_keeps_every_version_with_who_wrote_it_and_what_changed(world, mine, theirs):
    mine.post(reverse("my_safety_plan_edit"), _post(warning_signs="Not sleeping"))
    url = reverse("client_safety_plan_edit", args=[world.client_a.public_id])
    response = theirs.post(url, _post(1, warning_signs="Not sleeping", people_to_ask=WORDS))

    assert response.status_code == 302
    assert _versions(world) == [1, 2]
    plan = SafetyPlan.objects.get(client=world.client_a)
    assert plan.version == 2
    history = theirs.get(
        reverse("client_safety_plan_history", args=[world.client_a.public_id])
    ).content.decode()
    assert "Version 2" in history and "Version 1" in history
    assert f"{world.clinician_a.name} (clinician)" in history
    assert "Changed: People I can ask for help." in history
    assert "Written: Signs that a hard time is starting." in history
    # An earlier version can be read, and says it is one.
    earlier = mine.get(reverse("my_safety_plan"), {"version": "1"}).content.decode()
    assert "This is version 1, an earlier one." in earlier
    assert "Ring Ciara" not in earlier


def test_it_shows_the_plan_in_crisis_order_with_tap_to_call_numbers(world, mine):
    mine.post(reverse("my_safety_plan_edit"), _post(people_to_ask=WORDS, warning_signs="<b>x</b>"))

    page = mine.get(reverse("my_safety_plan")).content.decode()

    assert '<a href="tel:+442079460018" class="tel">020 7946 0018</a> &amp; sit' in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    assert page.index("Signs that a hard time is starting") < page.index("What helps me feel safe")


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(world, mine, theirs):
    mine.post(reverse("my_safety_plan_edit"), _post(on_my_own="A walk"))
    url = reverse("client_safety_plan_edit", args=[world.client_a.public_id])
    theirs.post(url, _post(1, on_my_own="A walk", feeling_safe="My dog"))

    # The client's second tab was opened on version 1.
    response = mine.post(reverse("my_safety_plan_edit"), _post(1, on_my_own="A long bath"))

    page = response.content.decode()
    assert response.status_code == 409
    assert "changed the plan since you opened it" in page
    assert "A long bath</textarea>" in page  # what they typed, still in the box
    assert "My dog" in page  # the newer words, beside the part that changed
    assert 'name="based_on" value="2"' in page  # saving again builds on the latest
    assert _versions(world) == [1, 2]


def test_a_stale_edit_from_a_second_tab_of_the_same_person_says_so(world, mine):
    mine.post(reverse("my_safety_plan_edit"), _post(on_my_own="A walk"))
    mine.post(reverse("my_safety_plan_edit"), _post(1, on_my_own="A walk, then tea"))

    response = mine.post(reverse("my_safety_plan_edit"), _post(1, on_my_own="Music"))

    assert response.status_code == 409
    assert "You saved a newer version in another tab" in response.content.decode()


def test_an_over_long_part_gets_a_clear_message_and_keeps_every_word(world, mine):
    long_text = "I can " + "x" * PART_MAX_LENGTH

    response = mine.post(reverse("my_safety_plan_edit"), _post(distractions=long_text))

    page = response.content.decode()
    assert response.status_code == 400
    assert f"This part has {len(long_text)} characters, and a part can hold 2000" in page
    assert f"{long_text}</textarea>" in page
    assert 'maxlength="' not in page  # a paste is never cut short unseen
    assert _versions(world) == []


def test_a_line_break_counts_as_one_character_as_the_person_sees_it(world, mine):
    # Browsers send each line break as two characters; 2,000 typed characters still fit.
    shown = "\n".join(["Walk round the park"] * 100) + "."  # 2,000 characters on screen
    assert len(shown) == PART_MAX_LENGTH
    typed = shown.replace("\n", "\r\n")  # as the browser sends it: 2,099

    response = mine.post(reverse("my_safety_plan_edit"), _post(on_my_own=typed))

    assert response.status_code == 302
    saved = SafetyPlanVersion.objects.get(plan__client=world.client_a)
    assert saved.on_my_own == shown


def test_a_double_submit_makes_one_version(world, mine):
    data = _post(warning_signs="Cancelling on friends")

    first = mine.post(reverse("my_safety_plan_edit"), data)
    second = mine.post(reverse("my_safety_plan_edit"), data)

    assert first.status_code == second.status_code == 302
    assert _versions(world) == [1]


def test_saving_the_same_words_again_makes_no_new_version(world, mine):
    mine.post(reverse("my_safety_plan_edit"), _post(warning_signs="Cancelling"))
    response = mine.post(
        reverse("my_safety_plan_edit"), _post(1, warning_signs="Cancelling  \r\n"), follow=True
    )
    assert "Nothing had changed" in response.content.decode()
    assert _versions(world) == [1]


def test_a_new_plan_starts_with_the_organisations_crisis_contacts(world, mine):
    CrisisContact.objects.create(
        organisation=world.org_a,
        name="Samaritans",
        phone="116 123",
        description="free, 24 hours a day",
    )
    CrisisContact.objects.create(organisation=world.org_a, name="Shout", text_number="85258")

    page = mine.get(reverse("my_safety_plan_edit")).content.decode()

    assert "Samaritans: call 116 123 (free, 24 hours a day)\nShout: text 85258" in page


def test_the_help_page_shows_a_client_their_own_plan_and_nobody_else_anything(world, mine):
    mine.post(reverse("my_safety_plan_edit"), _post(people_to_ask=WORDS))

    page = mine.get(reverse("help")).content.decode()
    assert "Your safety plan" in page
    assert 'href="tel:+442079460018"' in page

    for http in (
        Client(),
        sign_in(Client(), world.client_b.user),
        sign_in(Client(), world.clinician_a),
        sign_in(Client(), world.admin_a),
    ):
        response = http.get(reverse("help"))
        assert response.status_code == 200
        assert "Ring Ciara" not in response.content.decode()
    assert (
        "not written a safety plan yet"
        in sign_in(Client(), world.client_b.user).get(reverse("help")).content.decode()
    )


def test_the_help_page_puts_the_emergency_number_first_and_makes_it_a_link(world, mine):
    organisation = world.client_a.organisation
    organisation.crisis_message = "If your life is at risk right now, call 999."
    organisation.save()
    mine.post(reverse("my_safety_plan_edit"), _post(people_to_ask=WORDS))

    page = mine.get(reverse("help")).content.decode()
    content = page[page.index("<main") :]

    assert '<a href="tel:999" class="tel">999</a>' in content
    # In danger, the number to call comes before the plan's steps.
    assert content.index('href="tel:999"') < content.index("Your safety plan")


def test_every_client_page_opens_the_plan_from_need_help_now(world, mine):
    page = mine.get(reverse("today")).content.decode()
    need_help = page[page.index('<details class="need-help">') :]
    assert reverse("my_safety_plan") in need_help[: need_help.index("</details>")]


def test_the_page_after_a_risk_answer_shows_the_plan(world, mine):
    mine.post(reverse("my_safety_plan_edit"), _post(people_to_ask=WORDS))
    response = answer_phq9(world, PHQ9_POSITIVE)

    page = mine.get(reverse("response_detail", args=[response.public_id])).content.decode()

    assert "Thank you for telling us" in page
    assert "Your safety plan" in page
    assert 'href="tel:+442079460018"' in page
    shown = AuditEvent.objects.filter(action="safety_plan.viewed", detail__page="crisis")
    assert shown.count() == 1


def test_marking_the_plan_reviewed_clears_the_not_reviewed_line(world, mine, theirs):
    mine.post(reverse("my_safety_plan_edit"), _post(warning_signs="Not sleeping"))
    answer_phq9(world, PHQ9_POSITIVE)
    url = reverse("client_safety_plan", args=[world.client_a.public_id])
    assert NOT_REVIEWED in theirs.get(url).content.decode()
    assert needs_review(world.client_a)

    reviewed = reverse("client_safety_plan_reviewed", args=[world.client_a.public_id])
    page = theirs.post(reviewed, {"version": "1"}, follow=True).content.decode()

    assert "Marked reviewed." in page
    assert NOT_REVIEWED not in page
    assert "Last reviewed" in page
    assert not needs_review(world.client_a)
    plan = SafetyPlan.objects.get(client=world.client_a)
    assert (plan.reviewed_by, plan.reviewed_version) == (world.clinician_a, 1)


def test_the_clients_page_says_when_the_plan_needs_looking_at_again(world, mine, theirs):
    client_page = reverse("client_detail", args=[world.client_a.public_id])
    flag = "not reviewed since the last risk answer"
    mine.post(reverse("my_safety_plan_edit"), _post(warning_signs="Not sleeping"))
    assert flag not in theirs.get(client_page).content.decode()  # no risk answer yet

    answer_phq9(world, PHQ9_POSITIVE)
    assert flag in theirs.get(client_page).content.decode()

    reviewed = reverse("client_safety_plan_reviewed", args=[world.client_a.public_id])
    theirs.post(reviewed, {"version": "1"})
    assert flag not in theirs.get(client_page).content.decode()

    answer_phq9(world, PHQ9_POSITIVE)  # a later answer: the plan is due another look
    assert flag in theirs.get(client_page).content.decode()


def test_a_review_of_a_version_that_is_no_longer_the_latest_is_refused(world, mine, theirs):
    mine.post(reverse("my_safety_plan_edit"), _post(warning_signs="Not sleeping"))
    mine.post(reverse("my_safety_plan_edit"), _post(1, warning_signs="Not sleeping at all"))

    reviewed = reverse("client_safety_plan_reviewed", args=[world.client_a.public_id])
    page = theirs.post(reviewed, {"version": "1"}, follow=True).content.decode()

    assert "saved version 2 after you opened this page" in page
    assert SafetyPlan.objects.get(client=world.client_a).reviewed_at is None


def test_the_pdf_is_one_page_with_the_plans_words(world, mine, theirs):
    mine.post(
        reverse("my_safety_plan_edit"),
        _post(warning_signs="Lying awake", people_to_ask=WORDS, feeling_safe="My dog"),
    )

    for http, url in (
        (mine, reverse("my_safety_plan_pdf")),
        (theirs, reverse("client_safety_plan_pdf", args=[world.client_a.public_id])),
    ):
        response = http.get(url)
        assert response["Content-Type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(response.content))
        text = "".join(page.extract_text() for page in reader.pages)
        assert len(reader.pages) == 1
        for words in ("safety plan", "Lying awake", "020 7946 0018", "What helps me feel safe"):
            assert words in text
        assert "Making my surroundings safer" not in text  # empty parts are left out
    downloads = AuditEvent.objects.filter(action="safety_plan.pdf_downloaded")
    assert downloads.count() == 2


def test_an_older_version_downloads_as_itself(world, mine):
    mine.post(reverse("my_safety_plan_edit"), _post(warning_signs="Lying awake"))
    mine.post(reverse("my_safety_plan_edit"), _post(1, warning_signs="Cancelling on friends"))

    page = mine.get(reverse("my_safety_plan"), {"version": "1"}).content.decode()
    link = f"{reverse('my_safety_plan_pdf')}?version=1"
    assert f'href="{link}"' in page
    response = mine.get(link)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)

    assert "Lying awake" in text
    assert "Cancelling on friends" not in text
    assert 'filename="safety-plan-v1.pdf"' in response["Content-Disposition"]


def test_only_the_client_and_their_primary_clinician_reach_the_plan(world, mine):
    mine.post(reverse("my_safety_plan_edit"), _post(warning_signs=WORDS))
    client_id = world.client_a.public_id
    for user in (world.clinician_a2, world.clinician_b, world.admin_a):
        http = sign_in(Client(), user)
        for name in (
            "client_safety_plan",
            "client_safety_plan_edit",
            "client_safety_plan_history",
            "client_safety_plan_pdf",
        ):
            assert http.get(reverse(name, args=[client_id])).status_code == 404
        reviewed = reverse("client_safety_plan_reviewed", args=[client_id])
        assert http.post(reviewed, {"version": "1"}).status_code == 404
    other = sign_in(Client(), world.client_b.user)
    assert "Ring Ciara" not in other.get(reverse("my_safety_plan")).content.decode()
    assert SafetyPlan.objects.get(client=world.client_a).reviewed_at is None


def test_every_read_and_write_is_audited_without_the_words(world, mine, theirs):
    mine.post(reverse("my_safety_plan_edit"), _post(warning_signs=WORDS))
    mine.get(reverse("my_safety_plan"))
    mine.get(reverse("my_safety_plan_history"))
    theirs.get(reverse("client_safety_plan", args=[world.client_a.public_id]))
    theirs.post(
        reverse("client_safety_plan_reviewed", args=[world.client_a.public_id]), {"version": "1"}
    )

    events = AuditEvent.objects.filter(action__startswith="safety_plan.").order_by("pk")
    actions = [(e.action, e.actor_role, (e.detail or {}).get("page")) for e in events]
    assert actions == [
        ("safety_plan.version_saved", "client", None),
        ("safety_plan.viewed", "client", "plan"),
        ("safety_plan.viewed", "client", "history"),
        ("safety_plan.viewed", "clinician", "plan"),
        ("safety_plan.reviewed", "clinician", None),
    ]
    assert all(e.client_id == world.client_a.public_id for e in events)
    assert not any("Ciara" in str(e.detail) for e in events)


def test_erasure_removes_the_plan_and_every_version(world, mine):
    mine.post(reverse("my_safety_plan_edit"), _post(warning_signs=WORDS))
    request = RequestFactory().post("/")
    request.user = world.admin_a

    erase_client(request=request, organisation=world.org_a, client_id=world.client_a.public_id)

    assert not SafetyPlan.objects.exists()
    assert not SafetyPlanVersion.objects.exists()
