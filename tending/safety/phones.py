"""Phone numbers, through Google's libphonenumber (the `phonenumbers` port): checking what a
person typed, storing it as E.164, showing it, and finding numbers inside free text so a
page can offer them as tap-to-call links.

A number typed without "+" and a country code is read as a number of `TENDING_PHONE_REGION`
(settings.PHONE_REGION, "GB" by default). Stored numbers are E.164 ("+447700900123"), with
an extension after ";ext=" as RFC 3966 writes it ("+441214960000;ext=5").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from django.conf import settings
from phonenumbers import (
    Leniency,
    NumberParseException,
    PhoneNumber,
    PhoneNumberFormat,
    shortnumberinfo,
)
from phonenumbers import ValidationResult as Reason
from phonenumbers.shortnumberinfo import ShortNumberCost

CHECK_DIGITS = "Check the digits"
ABROAD = "For a number in another country, start with + and the country code."
EXTENSION = re.compile(r"(?i)\s*(?:ext(?:ension)?\.?|x)\s*\d+\s*$")
TOO_SHORT = f"This number looks too short. {CHECK_DIGITS}."
TOO_LONG = f"This number looks too long. {CHECK_DIGITS}."


class InvalidPhone(ValueError):
    """What a person typed is not a phone number Tending can store; `message` says why,
    in words for the person who typed it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Segment:
    """A piece of free text; `tel` is its tel: URI when the piece is a phone number."""

    text: str
    tel: str = ""


def region() -> str:
    return str(settings.PHONE_REGION)


def parse(text: str) -> str:
    """Return `text` as a stored number (E.164, ";ext=" for an extension), "" for blank text.

    Raise InvalidPhone when it is not a number that could be dialled: letters, too few or
    too many digits, an unknown country code, or digits no telephone plan gives out.
    """
    text = text.strip()
    if not text:
        return ""
    # The library reads letters as a keypad would ("0800 FLOWERS"); typed here, a letter is
    # far more likely a slip, so only an extension may be written in words.
    if any(character.isalpha() for character in EXTENSION.sub("", text)):
        raise InvalidPhone(
            "Use digits only (spaces, dashes and brackets are fine), with + before a country "
            "code. Check what you typed."
        )
    try:
        number = phonenumbers.parse(text, region())
    except NumberParseException as error:
        if error.error_type == NumberParseException.TOO_LONG:
            raise InvalidPhone(TOO_LONG) from None
        if error.error_type in (
            NumberParseException.TOO_SHORT_NSN,
            NumberParseException.TOO_SHORT_AFTER_IDD,
        ):
            raise InvalidPhone(TOO_SHORT) from None
        if error.error_type == NumberParseException.INVALID_COUNTRY_CODE:
            raise InvalidPhone(
                "The country code after the + is not one we know. Check it, or leave out "
                "the + for a number in this country."
            ) from None
        raise InvalidPhone(
            f"This does not look like a phone number. {CHECK_DIGITS}. {ABROAD}"
        ) from None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == Reason.TOO_SHORT:
        raise InvalidPhone(TOO_SHORT)
    if reason == Reason.TOO_LONG:
        raise InvalidPhone(TOO_LONG)
    if reason == Reason.IS_POSSIBLE_LOCAL_ONLY:
        raise InvalidPhone(f"{TOO_SHORT[:-1]}, with the area code for a landline.")
    if reason == Reason.INVALID_LENGTH:
        raise InvalidPhone(f"This number has the wrong number of digits. {CHECK_DIGITS}.")
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"This is not a number a phone can call. {CHECK_DIGITS}. {ABROAD}")
    return _stored(number)


def same_number(text: str, stored: str) -> bool:
    """Return True when `text` is written as any form of the stored number (even one
    `parse` would refuse now)."""
    number = _read(text.strip()) if text.strip() else None
    return number is not None and _stored(number) == stored


def _stored(number: PhoneNumber) -> str:
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return f"{e164};ext={number.extension}" if number.extension else e164


def _read(stored: str) -> PhoneNumber | None:
    try:
        return phonenumbers.parse(stored, region())
    except NumberParseException:
        return None


def display(stored: str) -> str:
    """Return a stored number as people write it: nationally for a number of the region,
    internationally for any other; text that is no number comes back unchanged."""
    number = _read(stored) if stored else None
    if number is None:
        return stored
    home = number.country_code == phonenumbers.country_code_for_region(region())
    shown = phonenumbers.format_number(
        number, PhoneNumberFormat.NATIONAL if home else PhoneNumberFormat.INTERNATIONAL
    )
    # The library writes an extension as " x5"; people read " ext. 5" more easily.
    if number.extension:
        shown = shown.removesuffix(f" x{number.extension}") + f" ext. {number.extension}"
    return shown


def tel_uri(stored: str) -> str:
    """Return the tel: URI (RFC 3966) that dials a number, or "" when it is no number.

    A short number (116 123, 111) is dialled as it is written: with a country code in
    front, a phone would call nobody.
    """
    number = _read(stored) if stored else None
    if number is None:
        return ""
    if phonenumbers.is_valid_short_number_for_region(number, region()):
        return f"tel:{phonenumbers.national_significant_number(number)}"
    return phonenumbers.format_number(number, PhoneNumberFormat.RFC3966).replace("-", "")


# A short number standing alone: three to six digits, or two groups of three ("116 123").
_SHORT = re.compile(r"(?<![\w+])(\d{3}(?: \d{3})?|\d{4,6})(?!\w)")


def _full_numbers(text: str) -> list[tuple[int, int, str]]:
    found = []
    for match in phonenumbers.PhoneNumberMatcher(text, region(), leniency=Leniency.POSSIBLE):
        number = match.number
        national = phonenumbers.national_significant_number(number)
        if len(national) >= 9 or phonenumbers.is_valid_number(number):
            found.append((match.start, match.end, tel_uri(_stored(number))))
    return found


def _short_numbers(text: str) -> list[tuple[int, int, str]]:
    """Short numbers of the region that are free to call or reach the emergency services
    (116 123, 999); "walk for 100 metres" or "option 2" are words, not numbers to dial."""
    found = []
    for match in _SHORT.finditer(text):
        digits = match.group(1).replace(" ", "")
        try:
            number = phonenumbers.parse(digits, region())
        except NumberParseException:
            continue
        if not shortnumberinfo.is_valid_short_number_for_region(number, region()):
            continue
        cost = shortnumberinfo.expected_cost_for_region(number, region())
        if cost == ShortNumberCost.TOLL_FREE or shortnumberinfo.is_emergency_number(
            digits, region()
        ):
            found.append((match.start(1), match.end(1), f"tel:{digits}"))
    return found


def segments(text: str) -> list[Segment]:
    """Split free text into plain pieces and the phone numbers written in it, in order.

    Full numbers are found as they are written ("07700 900456", "+1 202 555 0143") when they
    have at least nine digits of national number or are valid; short numbers only when the
    region's plan makes them free or an emergency number, so everyday numbers stay words.
    """
    spans = _full_numbers(text)
    for start, end, tel in _short_numbers(text):
        if not any(start < other_end and other_start < end for other_start, other_end, _ in spans):
            spans.append((start, end, tel))
    found: list[Segment] = []
    done = 0
    for start, end, tel in sorted(spans):
        if start > done:
            found.append(Segment(text[done:start]))
        found.append(Segment(text[start:end], tel))
        done = end
    if done < len(text):
        found.append(Segment(text[done:]))
    return found
