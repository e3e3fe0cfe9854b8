"""The one place that says what each kind of credit record is.

For every record kind: its category (basic / negative / trust-keeping / other,
rules.md §3.1), the Credit China tab it appears under, the Credit Zhejiang group and
tab, and the tertiary evaluation indicator of the Zhejiang 2020 catalogue
(rules.md §4.3) that it moves, if any. Pages, the API, scoring and lists read
this map; nothing else decides these things.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Category(models.TextChoices):
    BASIC = "basic", _("Basic information")
    NEGATIVE = "negative", _("Negative information")
    TRUST = "trust", _("Trust-keeping information")
    OTHER = "other", _("Other information")


class CreditChinaTab(models.TextChoices):
    """The eight tabs of a Credit China credit file (rules.md §3.1)."""

    ADMINISTRATIVE = "administrative", _("Administrative management")  # 行政管理
    HONEST = "honest", _("Honesty and trustworthiness")  # 诚实守信
    SERIOUS_LIST = "serious_list", _("Seriously untrustworthy lists")  # 严重失信主体名单
    ABNORMAL = "abnormal", _("Abnormal operations")  # 经营异常
    COMMITMENT = "commitment", _("Credit commitments")  # 信用承诺
    EVALUATION = "evaluation", _("Credit evaluation")  # 信用评价
    JUDICIAL = "judicial", _("Judicial judgements")  # 司法判决
    OTHER = "other", pgettext_lazy("credit china tab", "Other")  # 其他


class ZhejiangTab(models.TextChoices):
    """Credit Zhejiang's tabs (rules.md §3.1); the group is ``ZHEJIANG_GROUP``."""

    LICENCE = "licence", _("Administrative licences")  # 行政许可
    QUALIFICATION = "qualification", _("Qualifications")  # 资质/资格
    PENALTY = "penalty", _("Administrative penalties")  # 行政处罚
    DISHONESTY = "dishonesty", _("Punishment for dishonesty")  # 失信惩戒
    INCENTIVE = "incentive", _("Trust-keeping incentives")  # 守信激励
    RISK = "risk", _("Risk warnings")  # 风险提示
    CONCERN = "concern", _("Priority concerns")  # 重点关注
    OTHER = "other", pgettext_lazy("credit zhejiang tab", "Other")  # 其他


ZHEJIANG_GROUP: dict[str, str] = {
    ZhejiangTab.LICENCE: Category.BASIC,
    ZhejiangTab.QUALIFICATION: Category.BASIC,
    ZhejiangTab.PENALTY: Category.NEGATIVE,
    ZhejiangTab.DISHONESTY: Category.NEGATIVE,
    ZhejiangTab.INCENTIVE: Category.TRUST,
    ZhejiangTab.RISK: Category.OTHER,
    ZhejiangTab.CONCERN: Category.OTHER,
    ZhejiangTab.OTHER: Category.OTHER,
}


@dataclass(frozen=True)
class Indicator:
    """A tertiary indicator of the Zhejiang corporate evaluation (2020 edition)."""

    code: str
    name_zh: str
    name_en: str
    weight: int
    adds: bool = False  # social responsibility adds; the other four primaries deduct


# rules.md §4.3: 浙江省五类主体公共信用评价指引（2020 版）, 25 tertiary indicators.
# The catalogue itself (editable, versioned) is built from this in the evaluation
# issue; the codes here are the stable keys that records map to.
INDICATORS_2020: tuple[Indicator, ...] = (
    Indicator("1.1.1", "主要人员严重失信信息", "Key personnel on serious lists", 20),
    Indicator("1.1.2", "主要人员未履行生效裁判信息", "Key personnel: unperformed judgements", 20),
    Indicator("1.2.1", "经营异常信息", "Abnormal operations", 20),
    Indicator("1.2.2", "非正常户信息", "Abnormal tax accounts", 20),
    Indicator("2.1.1", "融资未履行生效裁判信息", "Unperformed financing judgements", 50),
    Indicator("2.1.2", "融资刑事犯罪信息", "Financial criminal offences", 60),
    Indicator("2.1.3", "金融逃废债信息", "Financial debt evasion", 15),
    Indicator("2.1.4", "存量权益登记信息", "Outbound investment stock registration", 10),
    Indicator("2.2.1", "社保缴纳信息", "Social-insurance payment", 30),
    Indicator("2.2.2", "税收缴纳信息", "Tax payment", 30),
    Indicator("3.1.1", "监督抽查信息", "Supervision spot checks", 30),
    Indicator("3.2.1", "安全生产事故和隐患信息", "Production-safety accidents and hazards", 30),
    Indicator("3.3.1", "突发环境事件信息", "Environmental emergencies", 30),
    Indicator("4.1.1", "行政处罚信息", "Administrative penalties", 90),
    Indicator("4.1.2", "行政强制信息", "Administrative enforcement", 60),
    Indicator("4.1.3", "行政事项承诺信息", "Unfulfilled commitments on administrative matters", 20),
    Indicator("4.1.4", "其他行政认定不良信息", "Other administratively identified bad conduct", 30),
    Indicator("4.2.1", "其他未履行生效裁判信息", "Other unperformed judgements", 50),
    Indicator("4.2.2", "其他刑事犯罪信息", "Other criminal offences", 60),
    Indicator("4.2.3", "虚假诉讼信息", "False litigation", 20),
    Indicator("4.3.1", "严重失信信息", "Serious untrustworthiness lists", 120),
    Indicator("5.1.1", "志愿服务信息", "Volunteering", 30, adds=True),
    Indicator("5.1.2", "慈善捐赠信息", "Charitable donations", 35, adds=True),
    Indicator("5.2.1", "红名单信息", "Red lists", 60, adds=True),
    Indicator("5.2.2", "荣誉奖励信息", "Honours and awards", 60, adds=True),
)
INDICATORS_BY_CODE = {indicator.code: indicator for indicator in INDICATORS_2020}

# List entries (lists issue) move these two indicators rather than records.
LIST_INDICATOR = {"black": "4.3.1", "red": "5.2.1"}


class RecordKind(models.TextChoices):
    # basic
    LICENCE = "licence", _("Administrative licence")  # 行政许可
    QUALIFICATION = "qualification", _("Qualification")  # 资质资格
    # negative
    PENALTY = "penalty", _("Administrative penalty")  # 行政处罚
    ENFORCEMENT = "enforcement", _("Administrative enforcement")  # 行政强制
    ABNORMAL_OPERATION = "abnormal_operation", _("Abnormal operations")  # 经营异常
    ABNORMAL_TAX_ACCOUNT = "abnormal_tax_account", _("Abnormal tax account")  # 非正常户
    TAX_ARREARS = "tax_arrears", _("Tax arrears")  # 欠税
    SOCIAL_INSURANCE_ARREARS = "social_insurance_arrears", _("Social-insurance arrears")
    JUDGEMENT_UNPERFORMED = "judgement_unperformed", _("Unperformed court judgement")
    FINANCE_JUDGEMENT_UNPERFORMED = (
        "finance_judgement_unperformed",
        _("Unperformed judgement in financing and credit"),
    )
    CRIMINAL = "criminal", _("Criminal record")  # 刑事犯罪
    FINANCE_CRIMINAL = "finance_criminal", _("Criminal record in financing and credit")
    DEBT_EVASION = "debt_evasion", _("Financial debt evasion")  # 金融逃废债
    OUTBOUND_INVESTMENT_UNREGISTERED = (
        "outbound_investment_unregistered",
        _("Outbound investment stock not registered"),
    )
    FALSE_LITIGATION = "false_litigation", _("False litigation")  # 虚假诉讼
    KEY_PERSON_LISTED = "key_person_listed", _("Key person on a serious list")
    KEY_PERSON_JUDGEMENT = "key_person_judgement", _("Key person: unperformed judgement")
    COMMITMENT_UNFULFILLED = "commitment_unfulfilled", _("Unfulfilled credit commitment")
    OTHER_BAD_CONDUCT = "other_bad_conduct", _("Other administratively identified bad conduct")
    QUALITY_SPOT_CHECK = "quality_spot_check", _("Failed product-quality spot check")
    SAFETY_ACCIDENT = "safety_accident", _("Production-safety accident or hazard")
    ENVIRONMENTAL_INCIDENT = "environmental_incident", _("Environmental incident")
    # trust-keeping
    HONOUR = "honour", _("Honour or award")  # 荣誉奖励
    DONATION = "donation", _("Charitable donation")  # 慈善捐赠
    VOLUNTEERING = "volunteering", _("Volunteering")  # 志愿服务
    # other
    TAX_CREDIT_RATING = "tax_credit_rating", _("Tax credit rating")  # 纳税信用等级
    RISK_WARNING = "risk_warning", _("Risk warning")  # 风险提示
    PRIORITY_CONCERN = "priority_concern", _("Priority concern")  # 重点关注
    OTHER = "other", pgettext_lazy("record kind", "Other")


@dataclass(frozen=True)
class KindInfo:
    category: str
    credit_china_tab: str
    zhejiang_tab: str
    indicator: str | None

    @property
    def zhejiang_group(self) -> str:
        return ZHEJIANG_GROUP[self.zhejiang_tab]

    @property
    def is_negative(self) -> bool:
        return self.category == Category.NEGATIVE


K, C, CC, ZJ = RecordKind, Category, CreditChinaTab, ZhejiangTab

KINDS: dict[str, KindInfo] = {
    K.LICENCE: KindInfo(C.BASIC, CC.ADMINISTRATIVE, ZJ.LICENCE, None),
    K.QUALIFICATION: KindInfo(C.BASIC, CC.ADMINISTRATIVE, ZJ.QUALIFICATION, None),
    K.PENALTY: KindInfo(C.NEGATIVE, CC.ADMINISTRATIVE, ZJ.PENALTY, "4.1.1"),
    K.ENFORCEMENT: KindInfo(C.NEGATIVE, CC.ADMINISTRATIVE, ZJ.DISHONESTY, "4.1.2"),
    K.ABNORMAL_OPERATION: KindInfo(C.NEGATIVE, CC.ABNORMAL, ZJ.DISHONESTY, "1.2.1"),
    K.ABNORMAL_TAX_ACCOUNT: KindInfo(C.NEGATIVE, CC.ABNORMAL, ZJ.DISHONESTY, "1.2.2"),
    K.TAX_ARREARS: KindInfo(C.NEGATIVE, CC.OTHER, ZJ.DISHONESTY, "2.2.2"),
    K.SOCIAL_INSURANCE_ARREARS: KindInfo(C.NEGATIVE, CC.OTHER, ZJ.DISHONESTY, "2.2.1"),
    K.JUDGEMENT_UNPERFORMED: KindInfo(C.NEGATIVE, CC.JUDICIAL, ZJ.DISHONESTY, "4.2.1"),
    K.FINANCE_JUDGEMENT_UNPERFORMED: KindInfo(C.NEGATIVE, CC.JUDICIAL, ZJ.DISHONESTY, "2.1.1"),
    K.CRIMINAL: KindInfo(C.NEGATIVE, CC.JUDICIAL, ZJ.DISHONESTY, "4.2.2"),
    K.FINANCE_CRIMINAL: KindInfo(C.NEGATIVE, CC.JUDICIAL, ZJ.DISHONESTY, "2.1.2"),
    K.DEBT_EVASION: KindInfo(C.NEGATIVE, CC.OTHER, ZJ.DISHONESTY, "2.1.3"),
    K.OUTBOUND_INVESTMENT_UNREGISTERED: KindInfo(C.NEGATIVE, CC.OTHER, ZJ.DISHONESTY, "2.1.4"),
    K.FALSE_LITIGATION: KindInfo(C.NEGATIVE, CC.JUDICIAL, ZJ.DISHONESTY, "4.2.3"),
    K.KEY_PERSON_LISTED: KindInfo(C.NEGATIVE, CC.OTHER, ZJ.DISHONESTY, "1.1.1"),
    K.KEY_PERSON_JUDGEMENT: KindInfo(C.NEGATIVE, CC.JUDICIAL, ZJ.DISHONESTY, "1.1.2"),
    K.COMMITMENT_UNFULFILLED: KindInfo(C.NEGATIVE, CC.COMMITMENT, ZJ.DISHONESTY, "4.1.3"),
    K.OTHER_BAD_CONDUCT: KindInfo(C.NEGATIVE, CC.ADMINISTRATIVE, ZJ.DISHONESTY, "4.1.4"),
    K.QUALITY_SPOT_CHECK: KindInfo(C.NEGATIVE, CC.OTHER, ZJ.RISK, "3.1.1"),
    K.SAFETY_ACCIDENT: KindInfo(C.NEGATIVE, CC.OTHER, ZJ.RISK, "3.2.1"),
    K.ENVIRONMENTAL_INCIDENT: KindInfo(C.NEGATIVE, CC.OTHER, ZJ.RISK, "3.3.1"),
    K.HONOUR: KindInfo(C.TRUST, CC.HONEST, ZJ.INCENTIVE, "5.2.2"),
    K.DONATION: KindInfo(C.TRUST, CC.HONEST, ZJ.INCENTIVE, "5.1.2"),
    K.VOLUNTEERING: KindInfo(C.TRUST, CC.HONEST, ZJ.INCENTIVE, "5.1.1"),
    # The kind's default only: a rating of level A or B is trust-keeping (record_category).
    K.TAX_CREDIT_RATING: KindInfo(C.OTHER, CC.EVALUATION, ZJ.OTHER, None),
    K.RISK_WARNING: KindInfo(C.OTHER, CC.OTHER, ZJ.RISK, None),
    K.PRIORITY_CONCERN: KindInfo(C.OTHER, CC.OTHER, ZJ.CONCERN, None),
    K.OTHER: KindInfo(C.OTHER, CC.OTHER, ZJ.OTHER, None),
}
del K, C, CC, ZJ

NEGATIVE_KINDS = frozenset(kind for kind, info in KINDS.items() if info.is_negative)


def kind_info(kind: str) -> KindInfo:
    return KINDS[kind]


# rules.md §3.1, §3.2: a tax credit rating of level A (and, in Zhejiang, B) is trust-keeping
# information; a rating of any other level is other information.
TRUST_TAX_CREDIT_LEVELS: tuple[str, ...] = ("A", "B")


def record_category(kind: str, tax_credit_level: str = "") -> str:
    """The category of a record (rules.md §3.1): its kind's, except that a tax credit rating's
    depends on its level. The one place of the rule; pages, the PDF and the API ask here
    (through ``CreditRecord.category`` and ``CreditRecordQuerySet.in_category``)."""
    if kind == RecordKind.TAX_CREDIT_RATING and tax_credit_level in TRUST_TAX_CREDIT_LEVELS:
        return str(Category.TRUST)
    return str(KINDS[kind].category)


def kinds_in_category(category: str) -> list[str]:
    """The kinds whose records are all of ``category``; a tax credit rating is of the
    category its level gives it (``record_category``), so it is in none of these."""
    return [
        kind
        for kind, info in KINDS.items()
        if info.category == category and kind != RecordKind.TAX_CREDIT_RATING
    ]


# What a record of each kind carries beyond what every record has (rules.md §3.3): the
# officials' form for a kind shows these fields and no others'. Severity belongs to the
# negative kinds (``NEGATIVE_KINDS``); the names are the record's field names.
PENALTY_DETAILS: tuple[str, ...] = (
    "penalty_type",
    "simplified_procedure",
    "fine_amount",
    "decision_revoked_on",
)
VALIDITY_DETAILS: tuple[str, ...] = ("valid_from", "valid_until")
AMOUNT_DETAILS: tuple[str, ...] = ("amount",)
KIND_DETAILS: dict[str, tuple[str, ...]] = {
    RecordKind.PENALTY: PENALTY_DETAILS,
    RecordKind.LICENCE: VALIDITY_DETAILS,
    RecordKind.QUALIFICATION: VALIDITY_DETAILS,
    RecordKind.TAX_ARREARS: AMOUNT_DETAILS,
    RecordKind.SOCIAL_INSURANCE_ARREARS: AMOUNT_DETAILS,
    RecordKind.DONATION: AMOUNT_DETAILS,
    RecordKind.TAX_CREDIT_RATING: ("tax_credit_level", "tax_year"),
}
# Every kind-specific field, whichever kind carries it.
DETAIL_FIELDS: tuple[str, ...] = tuple(
    dict.fromkeys(name for names in KIND_DETAILS.values() for name in names)
)


def kind_details(kind: str) -> tuple[str, ...]:
    """The kind-specific fields a record of ``kind`` carries (rules.md §3.3), in form order."""
    return KIND_DETAILS.get(kind, ())
