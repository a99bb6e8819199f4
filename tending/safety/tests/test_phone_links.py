"""Phone numbers in a safety plan's words become tap-to-call links; nothing else does."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from tending.safety.templatetags.safety_phones import phone_links


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        ("Ciara 020 7946 0018", '<a href="tel:+442079460018" class="tel">020 7946 0018</a>'),
        ("Dev +44 20 7946 0019", '<a href="tel:+442079460019" class="tel">+44 20 7946 0019</a>'),
        ("Samaritans 116 123", '<a href="tel:116123" class="tel">116 123</a>'),
        ("call 999 if in danger", '<a href="tel:999" class="tel">999</a>'),
    ],
)
def test_it_links_full_free_and_emergency_numbers(text, linked):
    assert linked in phone_links(text)


@pytest.mark.parametrize(
    "text", ["walk for 100 metres", "NHS 111, option 2", "weekdays 9 to 5", "since 2024"]
)
def test_it_leaves_other_numbers_as_words(text):
    assert phone_links(text) == text


def test_it_escapes_everything_around_the_numbers():
    text = '<script>alert("x")</script> Mum & Dad 020 7946 0018 <b>'

    html = phone_links(text)

    assert html == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Mum &amp; Dad "
        '<a href="tel:+442079460018" class="tel">020 7946 0018</a> &lt;b&gt;'
    )


def test_it_escapes_a_number_written_with_markup_around_it_and_keeps_line_breaks():
    template = Template("{% load safety_phones %}{{ text|phone_links|linebreaksbr }}")

    html = template.render(Context({"text": "Mum\n<i>020 7946 0018</i>"}))

    assert html == (
        'Mum<br>&lt;i&gt;<a href="tel:+442079460018" class="tel">020 7946 0018</a>&lt;/i&gt;'
    )


def test_it_uses_the_configured_region(settings):
    settings.PHONE_REGION = "US"
    assert 'href="tel:988"' in phone_links("Call or text 988")
    assert "href" not in phone_links("Samaritans 116 123")  # a UK number
