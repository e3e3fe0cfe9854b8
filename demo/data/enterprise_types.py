"""Enterprise types with their name forms and registered capital, former-name forms,
registration statuses, disclosure levels and tax credit levels."""

from __future__ import annotations

from dataclasses import dataclass

from enterprises.models import Disclosure, Subject

from . import _weighted_words

RS = Subject.RegistrationStatus

# --- Enterprise types and their name forms


@dataclass(frozen=True)
class EnterpriseType:
    label: str
    weight: float
    forms: tuple[tuple[str, float], ...]  # name endings and their weights
    capital: tuple[int, ...]  # registered capital choices in 10,000 yuan
    provincial: float = 0.02  # chance of a "浙江" prefix
    group: float = 0.0  # chance of a (集团) name
    industries: str = ""  # only in these industries ("" = any)


def _capital(text: str) -> tuple[int, ...]:
    return tuple(int(value) for value in text.split())


ENTERPRISE_TYPES: tuple[EnterpriseType, ...] = (
    EnterpriseType(
        "有限责任公司（自然人投资或控股）",
        58,
        _weighted_words("有限公司:85 有限责任公司:15"),
        _capital("10 30 50 100 100 200 300 500 500 800 1000 2000 3000 5000"),
        group=0.01,
    ),
    EnterpriseType(
        "有限责任公司（自然人独资）",
        12,
        _weighted_words("有限公司:1"),
        _capital("10 30 50 100 200 500"),
    ),
    EnterpriseType(
        "有限责任公司（非自然人投资或控股的法人独资）",
        9,
        _weighted_words("有限公司:1"),
        _capital("100 500 1000 2000 5000 10000"),
        group=0.02,
    ),
    EnterpriseType(
        "有限责任公司（国有独资）",
        1,
        _weighted_words("有限公司:50 有限责任公司:50"),
        _capital("1000 5000 10000 30000 50000 100000"),
        provincial=0.3,
        group=0.3,
    ),
    EnterpriseType(
        "有限责任公司（国有控股）",
        1,
        _weighted_words("有限公司:60 有限责任公司:40"),
        _capital("1000 3000 5000 10000 20000"),
        provincial=0.2,
        group=0.2,
    ),
    EnterpriseType(
        "有限责任公司（外国法人独资）",
        1.2,
        _weighted_words("有限公司:1"),
        _capital("100 300 500 1000 3000"),
    ),
    EnterpriseType(
        "有限责任公司（港澳台法人独资）",
        0.8,
        _weighted_words("有限公司:1"),
        _capital("100 300 500 1000"),
    ),
    EnterpriseType(
        "股份有限公司（非上市、自然人投资或控股）",
        4,
        _weighted_words("股份有限公司:1"),
        _capital("1000 2000 3000 5000 6000 8000 10000"),
        provincial=0.25,
        group=0.05,
    ),
    EnterpriseType(
        "股份有限公司（上市、自然人投资或控股）",
        0.3,
        _weighted_words("股份有限公司:1"),
        _capital("10000 20000 36000 50000 80000 120000"),
        provincial=0.6,
        group=0.2,
    ),
    EnterpriseType(
        "个人独资企业",
        8,
        _weighted_words("经营部:1"),  # see SOLE_PROPRIETOR_FORMS
        _capital("1 3 5 10 20 50"),
        industries="AFHILMOR",
    ),
    EnterpriseType(
        "普通合伙企业",
        1.5,
        _weighted_words("合伙企业（普通合伙）:1"),
        _capital("10 50 100 500"),
        industries="JLM",
    ),
    EnterpriseType(
        "有限合伙企业",
        2,
        _weighted_words("合伙企业（有限合伙）:1"),
        _capital("100 1000 5000 10000 50000"),
        industries="JLM",
    ),
)
# Old name endings that no current name has, so a former name is never a current one.
# 厂 only for makers (and only as a former name), 公司 for everyone else.
FORMER_FORMS = {"A": "厂", "B": "厂", "C": "厂"}
# A sole proprietorship's name ends by what it does.
SOLE_PROPRIETOR_FORMS = {
    "F": _weighted_words("商行:60 经营部:40"),
    "I": _weighted_words("工作室:60 经营部:40"),
    "L": _weighted_words("工作室:50 经营部:50"),
    "M": _weighted_words("工作室:70 经营部:30"),
    "R": _weighted_words("工作室:70 经营部:30"),
}

REGISTRATION_STATUSES = (
    (RS.EXISTING, 86),
    (RS.OPEN, 6),
    (RS.CANCELLED, 4.5),
    (RS.REVOKED, 2),
    (RS.MOVED_OUT, 0.8),
    (RS.SUSPENDED, 0.7),
)
DISCLOSURES = ((Disclosure.PUBLIC, 90), (Disclosure.PARTIAL, 7), (Disclosure.GOVERNMENT, 3))
TAX_LEVELS = (("A", 30), ("B", 45), ("M", 10), ("C", 10), ("D", 5))
