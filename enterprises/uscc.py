"""The Unified Social Credit Code (统一社会信用代码, GB 32100-2015): the one validator
used by models, forms, the API, bulk import and search.

Layout: registration authority (1) · institution category (1) · administrative
division (6 digits, GB/T 2260) · organisation code (9, GB 11714) · check character (1).
Alphabet: digits and capitals except I, O, Z, S, V; check character per GB/T 17710
mod 31, computed by python-stdnum. ``stdnum.cn.uscc.validate`` rejects codes whose
first two characters are letters (registration authorities such as N agriculture
or Y other issue such codes), so for those we accept the code when
``calc_check_digit`` agrees.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import uscc as stdnum_uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# GB 32100-2015 registration-authority codes (1 institution-establishment bodies,
# 5 civil affairs, 9 market regulation, N agriculture, Y other, ...).
REGISTRATION_AUTHORITIES = frozenset("123456789ANY")
# Market regulation (formerly industry and commerce) registers enterprises, individual
# businesses and farmers' cooperatives: their codes start with 9.
MARKET_REGULATION_AUTHORITY = "9"
USCC_LENGTH = 18


class USCCError(ValidationError):
    """A USCC that fails validation; ``code`` names the broken part:
    ``length``, ``charset``, ``authority``, ``division`` or ``checksum``."""


def normalize_uscc(value: str) -> str:
    """Strip separators and whitespace and upper-case: what users paste."""
    return stdnum_uscc.compact(value or "")


def calc_check_character(first17: str) -> str:
    """The GB/T 17710 mod-31 check character for the first 17 characters."""
    return stdnum_uscc.calc_check_digit(first17)


def validate_uscc(value: str) -> str:
    """Return the normalised code or raise :class:`USCCError` saying which part is wrong."""
    code = normalize_uscc(value)
    if len(code) != USCC_LENGTH:
        raise USCCError(
            _("A Unified Social Credit Code has 18 characters; this one has %(n)d."),
            code="length",
            params={"n": len(code)},
        )
    for position, char in enumerate(code, start=1):
        if char not in ALPHABET:
            raise USCCError(
                _(
                    "Character %(position)d (“%(char)s”) is not allowed: a Unified Social "
                    "Credit Code uses digits and capital letters except I, O, Z, S and V."
                ),
                code="charset",
                params={"position": position, "char": char},
            )
    if code[0] not in REGISTRATION_AUTHORITIES:
        raise USCCError(
            _("The first character (“%(char)s”) is not a registration-authority code."),
            code="authority",
            params={"char": code[0]},
        )
    if not code[2:8].isdigit():
        raise USCCError(
            _("Characters 3–8 (“%(division)s”) must be a six-digit administrative division code."),
            code="division",
            params={"division": code[2:8]},
        )
    expected = calc_check_character(code[:17])
    if code[:2].isdigit():
        try:
            stdnum_uscc.validate(code)
        except stdnum_exceptions.ValidationError:
            raise _checksum_error(code, expected) from None
    elif code[17] != expected:
        raise _checksum_error(code, expected)
    return code


def _checksum_error(code: str, expected: str) -> USCCError:
    return USCCError(
        _(
            "The check character (the 18th, “%(char)s”) is wrong for this code: "
            "the first 17 characters give “%(expected)s”."
        ),
        code="checksum",
        params={"char": code[17], "expected": expected},
    )


def is_valid_uscc(value: str) -> bool:
    try:
        validate_uscc(value)
    except ValidationError:
        return False
    return True


def looks_like_uscc(value: str) -> bool:
    """True when a search query was meant as a code: a valid one, whatever its digits (the
    organisation code may be mostly letters, rules.md §2.2), or one that looks like a code
    but is not valid (for "it is invalid because…")."""
    code = normalize_uscc(value)
    if len(code) == USCC_LENGTH and is_valid_uscc(code):
        return True
    return 15 <= len(code) <= 20 and sum(c.isdigit() for c in code) >= 10


def registered_by_market_regulation(code: str | None) -> bool:
    """The code's registration authority is market regulation (rules.md §2.1)."""
    return bool(code) and normalize_uscc(code or "")[:1] == MARKET_REGULATION_AUTHORITY


def uscc_field_validator(value: str) -> None:
    """Django field validator wrapper (a model field stores the normalised form)."""
    validate_uscc(value)


def organisation_check_character(first8: str) -> str:
    """GB 11714 check character of an organisation code's first eight characters;
    used to generate realistic demo codes."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(_org_value(c) * w for c, w in zip(first8, weights, strict=True))
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def _org_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def build_uscc(authority_category: str, division: str, org_body: str) -> str:
    """Assemble a valid code from its parts: ``authority_category`` (2 chars, e.g. "91"),
    a 6-digit division, and the first 8 characters of the organisation code; both
    check characters are computed. Used for demo data and tests."""
    organisation = org_body + organisation_check_character(org_body)
    first17 = authority_category + division + organisation
    return first17 + calc_check_character(first17)
