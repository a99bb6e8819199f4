"""Phone numbers: checked as typed, stored as E.164, shown as people write them, and found in
free text as tap-to-call links that never let the text's own markup through."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from tending.safety import phones
from tending.safety.phones import InvalidPhone, Segment


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("020 7946 0018", "+442079460018"),
        ("  (020) 7946-0018 ", "+442079460018"),
        ("+44 20 7946 0018", "+442079460018"),
        ("0044 20 7946 0018", "+442079460018"),
        ("07400 123456", "+447400123456"),
        ("+1 202-555-0143", "+12025550143"),
        ("0121 496 0000 ext 5", "+441214960000;ext=5"),
        ("0121 496 0000 x12", "+441214960000;ext=12"),
        ("0121 496 0000 extension 7", "+441214960000;ext=7"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_it_stores_what_was_typed_as_e164(typed, stored):
    assert phones.parse(typed) == stored


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("call me", "digits only"),
        ("07400 12345 oops", "digits only"),  # not read as a keypad would
        ("(+)", "This does not look like a phone number"),
        ("+44 121", "too short"),
        ("07", "too short"),
        ("0121 496 000000", "too long"),
        ("0121 496 0000 0000 0000", "too long"),
        ("0121 4", "too short. Check the digits, with the area code"),
        ("+999 123 456", "country code"),
        ("07700 9001", "not a number a phone can call"),  # possible length, never given out
    ],
)
def test_it_refuses_what_no_phone_could_call_with_a_reason(typed, says):
    with pytest.raises(InvalidPhone) as refused:
        phones.parse(typed)
    assert says in refused.value.message


def test_it_reads_numbers_without_a_country_code_in_the_configured_region(settings):
    settings.PHONE_REGION = "US"
    assert phones.parse("(202) 555-0143") == "+12025550143"
    assert phones.display("+12025550143") == "(202) 555-0143"
    assert phones.display("+442079460018") == "+44 20 7946 0018"


def test_it_shows_home_numbers_nationally_and_others_internationally():
    assert phones.display("+442079460018") == "020 7946 0018"
    assert phones.display("+12025550143") == "+1 202-555-0143"
    assert phones.display("+441214960000;ext=5") == "0121 496 0000 ext. 5"
    assert phones.display("not a number") == "not a number"
    assert phones.display("") == ""


def test_it_dials_numbers_by_e164_and_short_numbers_as_written():
    assert phones.tel_uri("+442079460018") == "tel:+442079460018"
    assert phones.tel_uri("+441214960000;ext=5") == "tel:+441214960000;ext=5"
    assert phones.tel_uri("+44116123") == "tel:116123"  # Samaritans: no country code
    assert phones.tel_uri("words") == ""


def test_it_recognises_the_saved_number_however_it_is_written():
    assert phones.same_number("07700 900123", "+447700900123")
    assert not phones.same_number("07700 900124", "+447700900123")
    assert not phones.same_number("", "+447700900123")


def test_it_finds_phone_numbers_in_free_text_in_order():
    text = "Ciara (my sister) 07700 900456\nSamaritans 116 123, any time; US +1 202 555 0143."
    assert phones.segments(text) == [
        Segment("Ciara (my sister) "),
        Segment("07700 900456", "tel:+447700900456"),
        Segment("\nSamaritans "),
        Segment("116 123", "tel:116123"),
        Segment(", any time; US "),
        Segment("+1 202 555 0143", "tel:+12025550143"),
        Segment("."),
    ]
    assert phones.segments("No numbers, just a walk at 6.") == [
        Segment("No numbers, just a walk at 6.")
    ]
    assert phones.segments("") == []


def _render(source: str, **context: object) -> str:
    return Template("{% load safety_phones %}" + source).render(Context(context))


def test_the_filters_show_and_dial_a_stored_number():
    html = _render('<a href="{{ n|tel }}">{{ n|phone }}</a>', n="+442079460018")
    assert html == '<a href="tel:+442079460018">020 7946 0018</a>'
    assert _render("[{{ n|phone }}{{ n|tel }}]", n=None) == "[]"


def test_phone_links_turns_numbers_into_links_and_escapes_everything_else():
    text = '<script>alert("x")</script> Ring Ed & Jo on 020 7946 0018 <b>now</b>'
    html = _render("{{ text|phone_links }}", text=text)
    assert html == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Ring Ed &amp; Jo on "
        '<a href="tel:+442079460018" class="tel">020 7946 0018</a> &lt;b&gt;now&lt;/b&gt;'
    )


def test_phone_links_keeps_markup_out_of_the_link_itself():
    # A number inside an attempt to close the attribute or the tag stays text.
    text = '"><img src=x onerror=alert(1)>020 7946 0018"'
    html = _render("{{ text|phone_links }}", text=text)
    assert "<img" not in html
    assert '<a href="tel:+442079460018" class="tel">020 7946 0018</a>' in html
    assert html.count("<") == html.count("</a>") * 2  # only the link's own tags


def test_phone_links_can_be_followed_by_linebreaksbr():
    html = _render("{{ text|phone_links|linebreaksbr }}", text="Mum 020 7946 0018\n<Dad>")
    assert html == 'Mum <a href="tel:+442079460018" class="tel">020 7946 0018</a><br>&lt;Dad&gt;'
