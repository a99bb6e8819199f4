"""A client practises on a phone: player, pacer, timer, stop-and-ground, check-ins, history.

Playwright's clock stands in for waiting: `fast_forward` jumps ahead and fires due timers once,
which is what a page sees when a phone's screen has been locked for a while.
"""

from __future__ import annotations

import pytest

from tests.browser.journeys import sign_in

pytestmark = pytest.mark.browser


def open_player(page, check, title: str) -> None:
    page.get_by_role("link", name="Practise", exact=True).click()
    check(page)
    page.get_by_role("link", name=title).click()
    check(page)
    page.get_by_role("link", name="Begin").click()
    page.wait_for_url("**/play/")


def skip_to_tool(page) -> None:
    while page.get_by_role("button", name="Next").is_visible():
        page.get_by_role("button", name="Next").click()


def test_a_client_breathes_with_the_pacer_checks_in_and_both_see_it(new_page, check_accessibility):
    check = check_accessibility
    page = new_page(mobile=True)
    page.clock.install()
    sign_in(page, "jordan@clients.riverside.example")
    open_player(page, check, "Soothing rhythm breathing")
    check(page)

    page.get_by_label("Threat (alarm, worry, anger)").first.select_option("6")
    page.get_by_role("button", name="Begin").click()
    steps = page.locator("[data-steps] > li")
    assert steps.nth(0).is_visible() and not steps.nth(1).is_visible()
    assert page.get_by_role("link", name="Stop and ground").is_visible()
    check(page)

    page.clock.fast_forward(21_000)  # the first step is timed at 20 seconds
    assert steps.nth(1).is_visible()
    skip_to_tool(page)
    words = page.locator("[data-pacer-words]")
    assert words.is_visible()
    page.clock.run_for(1_000)
    assert words.text_content() == "Breathe in"
    page.clock.run_for(5_000)
    assert words.text_content() == "Breathe out"
    check(page)

    page.get_by_role("button", name="I have finished").click()
    page.get_by_label("Threat (alarm, worry, anger)").last.select_option("3")
    page.get_by_label("Settling").check()
    check(page)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/practice-log/**")
    assert page.get_by_role("heading", name="Thank you for taking this time").is_visible()
    check(page)

    page.get_by_role("link", name="See your practice").click()
    assert page.get_by_text("Soothing rhythm breathing").first.is_visible()
    check(page)

    clinician = new_page()
    sign_in(clinician, "tom@riverside.example", code=True)
    clinician.get_by_role("link", name="Jordan Lee", exact=True).click()
    clinician.get_by_role("link", name="Practice: minutes, check-ins and flags").click()
    row = clinician.get_by_role("row").filter(has_text="Soothing rhythm breathing").first
    assert "6 → 3" in row.text_content()
    check(clinician)
    assert page.console_errors == [] and clinician.console_errors == []


def test_with_reduced_motion_the_pacer_counts_in_words(new_page, check_accessibility):
    page = new_page(mobile=True, reduced_motion=True)
    page.clock.install()
    sign_in(page, "priya@clients.riverside.example")
    open_player(page, check_accessibility, "Compassionate break")
    page.get_by_role("button", name="Begin").click()
    skip_to_tool(page)
    page.clock.run_for(2_500)
    assert page.locator("[data-pacer-words]").text_content() == "Breathe in 3"
    transform = page.locator("[data-pacer-circle]").evaluate("e => e.style.transform")
    page.clock.run_for(2_000)
    assert page.locator("[data-pacer-circle]").evaluate("e => e.style.transform") == transform


def test_the_timer_ends_on_time_even_after_the_screen_was_locked(new_page, check_accessibility):
    page = new_page(mobile=True)
    page.clock.install()
    sign_in(page, "alex@clients.riverside.example")
    open_player(page, check_accessibility, "Mindfulness of sounds")
    page.get_by_role("button", name="Begin").click()
    skip_to_tool(page)
    page.get_by_label("Minutes", exact=True).select_option("1")
    page.get_by_label("Bells at the start and end").uncheck()  # the "no bell" choice
    page.get_by_role("button", name="Start the timer").click()
    check_accessibility(page)
    page.clock.run_for(30_000)
    assert page.locator("[data-timer-display]").text_content() == "0:30"

    page.clock.fast_forward(45_000)  # locked for 45 s: one late tick, no counting
    assert page.get_by_role("heading", name="Afterwards").is_visible()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/practice-log/**")


def test_stop_and_ground_is_there_at_every_moment_and_saves_what_was_done(
    new_page, check_accessibility
):
    page = new_page(mobile=True)
    page.clock.install()
    sign_in(page, "chris@clients.riverside.example")
    open_player(page, check_accessibility, "Body scan")
    page.get_by_role("button", name="Begin").click()
    page.clock.run_for(10_000)
    page.get_by_role("link", name="Stop and ground").click()
    assert page.get_by_role("heading", name="You stopped. That is fine.").is_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Save what I did").click()
    page.get_by_label("Stirred up").check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("including that you stopped early").is_visible()
    assert page.get_by_role("heading", name="It stirred things up").is_visible()
    check_accessibility(page)


def test_pause_holds_the_pacer_still_and_stopping_after_finishing_keeps_it_finished(new_page):
    page = new_page(mobile=True)
    page.clock.install()
    sign_in(page, "sam@clients.riverside.example")
    page.get_by_role("link", name="Practise", exact=True).click()
    page.get_by_role("link", name="Compassionate break").click()
    page.get_by_role("link", name="Begin").click()
    page.get_by_role("button", name="Begin").click()
    skip_to_tool(page)
    page.clock.run_for(1_500)

    circle = page.locator("[data-pacer-circle]")
    page.get_by_role("button", name="Pause").click()
    held = circle.evaluate("e => e.style.transform")
    page.clock.run_for(3_000)
    assert circle.evaluate("e => e.style.transform") == held
    page.get_by_role("button", name="Resume").click()
    page.clock.run_for(1_500)
    assert circle.evaluate("e => e.style.transform") != held

    page.get_by_role("button", name="I have finished").click()
    page.get_by_role("link", name="Stop and ground").click()
    page.get_by_role("button", name="Save what I did").click()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/practice-log/**")
    assert not page.get_by_text("stopped early").is_visible()
