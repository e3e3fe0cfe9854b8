"""Which columns an import file may have: the Chinese titles departments write, the
aliases of choice values, the columns and required columns of each import."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from enterprises.services import RECORD_FIELDS, SUBJECT_FORM_FIELDS, SUBJECT_PERSONAL_FIELDS

# Column titles as Chinese source departments write them → field names. One dict for
# both imports; in a records file the subject's code and name become ``subject_uscc``
# and ``subject_name`` (``RECORD_RENAMES``). Titles are compared after Unicode NFKC
# normalisation, so full-width and half-width brackets are the same title.
COLUMN_TITLES: dict[str, str] = {
    # subject
    "统一社会信用代码": "uscc",
    "社会信用代码": "uscc",
    "信用代码": "uscc",
    "企业名称": "name",
    "主体名称": "name",
    "单位名称": "name",
    "名称": "name",
    "行政相对人名称": "name",
    "主体类型": "subject_type",
    "法定代表人": "legal_representative",
    "法定代表人(负责人)": "legal_representative",
    "企业类型": "enterprise_type",
    "成立日期": "established_on",
    "住所": "address",
    "地址": "address",
    "注册资本": "registered_capital",
    "注册资本(万元)": "registered_capital",
    "经营范围": "business_scope",
    "登记状态": "registration_status",
    "经营状态": "registration_status",
    "行政区划": "region",
    "行政区划代码": "region",
    "所属行业": "industry",
    "行业": "industry",
    "行业门类": "industry",
    "曾用名": "former_names",
    "代码校验例外": "uscc_override",
    "校验例外": "uscc_override",
    "校验例外原因": "uscc_override_reason",
    "代码校验例外原因": "uscc_override_reason",
    # record
    "数据来源部门": "department",
    "数据来源单位": "department",
    "来源部门": "department",
    "部门": "department",
    "部门代码": "department",
    "信息类别": "kind",
    "信息类型": "kind",
    "决定日期": "decision_date",
    "认定日期": "decision_date",
    "处罚决定日期": "decision_date",
    "许可决定日期": "decision_date",
    "文书号": "document_number",
    "决定文书号": "document_number",
    "行政处罚决定书文号": "document_number",
    "许可文书号": "document_number",
    "法律依据": "legal_basis",
    "处罚依据": "legal_basis",
    "标题": "title",
    "事项名称": "title",
    "违法行为类型": "title",
    "内容": "content",
    "处罚内容": "content",
    "许可内容": "content",
    "公开属性": "disclosure",
    "公开范围": "disclosure",
    "严重程度": "severity",
    "失信程度": "severity",
    "公示截止日期": "publicity_end",
    "公示截止期": "publicity_end",
    "处罚类别": "penalty_type",
    "处罚种类": "penalty_type",
    "简易程序": "simplified_procedure",
    "是否简易程序": "simplified_procedure",
    "适用简易程序": "simplified_procedure",
    "决定撤销日期": "decision_revoked_on",
    "处罚决定撤销日期": "decision_revoked_on",
    "罚款金额(元)": "fine_amount",
    "罚款金额": "fine_amount",
    "金额(元)": "amount",
    "金额": "amount",
    "有效期自": "valid_from",
    "有效期至": "valid_until",
    "纳税信用等级": "tax_credit_level",
    "评价年度": "tax_year",
}
RECORD_RENAMES = {"uscc": "subject_uscc", "name": "subject_name"}

# Values as Chinese files write them → stored values. The English and (once
# translated) Chinese labels of each choice are accepted as well.
CHOICE_ALIASES: dict[str, dict[str, str]] = {
    "kind": {
        "行政许可": "licence",
        "资质资格": "qualification",
        "资质": "qualification",
        "资格": "qualification",
        "行政处罚": "penalty",
        "行政强制": "enforcement",
        "经营异常": "abnormal_operation",
        "经营异常名录": "abnormal_operation",
        "非正常户": "abnormal_tax_account",
        "欠税": "tax_arrears",
        "欠缴社保": "social_insurance_arrears",
        "社保欠费": "social_insurance_arrears",
        "未履行生效裁判": "judgement_unperformed",
        "刑事犯罪": "criminal",
        "融资刑事犯罪": "finance_criminal",
        "金融逃废债": "debt_evasion",
        "虚假诉讼": "false_litigation",
        "未履行信用承诺": "commitment_unfulfilled",
        "产品质量抽查不合格": "quality_spot_check",
        "安全生产事故": "safety_accident",
        "突发环境事件": "environmental_incident",
        "荣誉奖励": "honour",
        "慈善捐赠": "donation",
        "志愿服务": "volunteering",
        "纳税信用等级": "tax_credit_rating",
        "风险提示": "risk_warning",
        "重点关注": "priority_concern",
        "其他": "other",
    },
    "penalty_type": {
        "警告": "warning",
        "通报批评": "criticism",
        "罚款": "fine",
        "没收": "confiscation",
        "没收违法所得": "confiscation",
        "没收违法所得、没收非法财物": "confiscation",
        "降低资质等级": "qualification_lowered",
        "暂扣许可证件": "licence_suspended",
        "吊销许可证件": "licence_revoked",
        "吊销": "licence_revoked",
        # docs/rules.md §6.3: suspension and temporary restriction are serious; closure and
        # a permanent ban or restriction are permanent.
        "限制开展生产经营活动": "production_restricted",
        "限制生产经营": "production_restricted",
        "责令停产停业": "suspended",
        "责令停业": "suspended",
        "停产停业": "suspended",
        "责令关闭": "closed_down",
        "永久性禁入": "permanent_restriction",
        "永久禁入": "permanent_restriction",
        "终身禁入": "permanent_restriction",
        "终身禁止从业": "permanent_restriction",
        "永久限制开展生产经营活动": "permanent_restriction",
        "限制从业": "employment_ban",
        "行政拘留": "detention",
        "其他": "other",
    },
    "severity": {"轻微": "minor", "一般": "general", "严重": "serious"},
    "disclosure": {
        "公开": "public",
        "完全公开": "public",
        "社会公开": "public",
        "部分公开": "partial",
        "有条件公开": "partial",
        "依申请公开": "partial",
        "政务共享": "government",
        "不公开": "government",
    },
    "subject_type": {
        "企业": "enterprise",
        "法人": "enterprise",
        "自然人": "natural_person",
        "社会组织": "social_organisation",
        "事业单位": "public_institution",
        "机关": "government_agency",
        "政府机关": "government_agency",
    },
    "registration_status": {
        "存续": "existing",
        "开业": "open",
        "在业": "open",
        "停业": "suspended",
        "迁出": "moved_out",
        "吊销": "revoked",
        "注销": "cancelled",
    },
}

RECORD_COLUMNS: tuple[str, ...] = ("subject_uscc", "subject_name", "department", *RECORD_FIELDS)
RECORD_REQUIRED: tuple[str, ...] = ("subject_uscc", "kind", "decision_date", "title")
# The template's column order: the code and the name first, then the rest of the writable
# fields (no natural persons' data: they are not imported), then the import's own columns.
SUBJECT_COLUMNS: tuple[str, ...] = (
    "uscc",
    "name",
    *(name for name in SUBJECT_FORM_FIELDS if name not in ("name", *SUBJECT_PERSONAL_FIELDS)),
    "former_names",
    "uscc_override",
    "uscc_override_reason",
)
SUBJECT_REQUIRED: tuple[str, ...] = ("uscc", "name")


def _normalise_title(title: Any) -> str:
    text = unicodedata.normalize("NFKC", str(title)).strip().strip("*").strip()
    return re.sub(r"[\s\-]+", "_", text).lower()


_TITLES = {_normalise_title(title): name for title, name in COLUMN_TITLES.items()}


@dataclass(frozen=True)
class _Spec:
    columns: tuple[str, ...]
    required: tuple[str, ...]
    renames: Mapping[str, str]
    key: str  # the column that names the subject


RECORDS = _Spec(RECORD_COLUMNS, RECORD_REQUIRED, RECORD_RENAMES, key="subject_uscc")
SUBJECTS = _Spec(SUBJECT_COLUMNS, SUBJECT_REQUIRED, {}, key="uscc")


def column_for_title(title: Any, spec: _Spec) -> str | None:
    key = _normalise_title(title)
    name = key if key in spec.columns else _TITLES.get(key)
    if name is None:
        return None
    name = spec.renames.get(name, name)
    return name if name in spec.columns else None
