"""Rule editions seeded by migration (rules.md §6, §12).

Each edition: publicity months by kind of information ("penalty": the administrative
penalty, "conduct": other untrustworthy conduct, "any") and severity, the minimum
publicity before repair, and the permanent cases. Details of the post-2022 texts come
from public summaries (rules.md §12): verify against the official text before relying
on one; officials can correct an edition in the admin.
"""

from __future__ import annotations

# rules.md §6.3 (ruling R2): licence revoked, ordered to close down, a permanent ban or
# restriction. Suspension and temporary restriction are serious, not permanent.
_PERMANENT = ["licence_revoked", "closed_down", "permanent_restriction"]

# (info_kind, severity, publicity_months, published, repair_allowed, repair_min_months)
Rule = tuple[str, str, int, bool, bool, int]

RULE_EDITIONS: list[dict[str, object]] = [
    {
        "code": "cn-doc527-2019",
        "jurisdiction": "national",
        "name_zh": (
            "关于进一步完善“信用中国”网站及地方信用门户网站"
            "行政处罚信息信用修复机制的通知（527号文）"
        ),
        "name_en": "Document 527: serious and general trust-breaking (2019)",
        "issuer": "国家发展改革委办公厅",
        "document": "发改办财金〔2019〕527号",
        "effective_from": "2019-07-01",
        "effective_until": "2023-04-30",
        "permanent_penalty_types": _PERMANENT,
        "serious_permanent_count": None,
        "notes": "Serious conduct public 6 months to 3 years; general 3 months to 1 year "
        "(minor information is general here). Publicity ends at the maximum. Applied to "
        "records decided before 2019-07-01 as well (the first national rule, rules.md §6.1).",
        "rules": [
            ("any", "minor", 12, True, True, 3),
            ("any", "general", 12, True, True, 3),
            ("any", "serious", 36, True, True, 6),
        ],
    },
    {
        "code": "cn-repair-measures-2021",
        "jurisdiction": "national",
        "name_zh": "信用修复管理办法（试行）（2021年征求意见稿）",
        "name_en": "Measures for the Administration of Credit Repair (2021)",
        "issuer": "国家发展改革委",
        "document": "",
        "effective_from": "2021-05-12",
        "effective_until": "2023-04-30",
        "source_url": "https://www.ndrc.gov.cn/yjzxDownload/fj120210512.pdf",
        "permanent_penalty_types": _PERMANENT,
        "serious_permanent_count": 3,
        "reference_only": True,
        "notes": "A draft for comment, never in force: kept for reference, never applied "
        "(rules.md §6.2). Its text: conduct 1 year (minor) / 3 years (serious) from the penalty "
        "decision; the penalty 3 / 5 years; repair after 3 / 6 months; permanent for "
        "revocation, closure, permanent restriction and for three or more serious "
        "penalties within one year.",
        "rules": [
            ("conduct", "minor", 12, True, True, 3),
            ("conduct", "general", 12, True, True, 3),
            ("conduct", "serious", 36, True, True, 6),
            ("penalty", "minor", 36, True, True, 3),
            ("penalty", "general", 36, True, True, 3),
            ("penalty", "serious", 60, True, True, 6),
        ],
    },
    {
        "code": "cn-ndrc-order58-2023",
        "jurisdiction": "national",
        "name_zh": "失信行为纠正后的信用信息修复管理办法（试行）",
        "name_en": "Measures for repairing credit information after corrected conduct (trial)",
        "issuer": "国家发展改革委",
        "document": "国家发展改革委令第58号",
        "effective_from": "2023-05-01",
        "effective_until": "2026-03-31",
        "permanent_penalty_types": _PERMANENT,
        "serious_permanent_count": None,
        "notes": "Minor information not published (ruling R1); general 3 months to 1 year, "
        "serious 1 to 3 years; publicity stops by itself at the maximum.",
        "rules": [
            ("any", "minor", 3, False, True, 0),
            ("any", "general", 12, True, True, 3),
            ("any", "serious", 36, True, True, 12),
        ],
    },
    {
        "code": "cn-ndrc-order36-2026",
        "jurisdiction": "national",
        "name_zh": "信用修复管理办法",
        "name_en": "Measures for the Administration of Credit Repair (2026)",
        "issuer": "国家发展改革委",
        "document": "国家发展改革委令第36号",
        "effective_from": "2026-04-01",
        "effective_until": None,
        "permanent_penalty_types": _PERMANENT,
        "serious_permanent_count": None,
        "notes": "Minor information in principle not published, at most 3 months; general "
        "3 months to 1 year; serious 1 to 3 years, counted from the decision; publicity "
        "stops by itself at the maximum; after repair publicity and sharing stop.",
        "rules": [
            ("any", "minor", 3, False, True, 0),
            ("any", "general", 12, True, True, 3),
            ("any", "serious", 36, True, True, 12),
        ],
    },
    {
        "code": "zj-regulation-2018",
        "jurisdiction": "zhejiang",
        "name_zh": "浙江省公共信用信息管理条例",
        "name_en": "Zhejiang Public Credit Information Regulation",
        "issuer": "浙江省人民代表大会常务委员会",
        "document": "",
        "effective_from": "2018-01-01",
        "effective_until": None,
        "permanent_penalty_types": _PERMANENT,
        "serious_permanent_count": None,
        "simplified_procedure_negative": False,
        "repair_needs_clean_record": True,
        "keeps_public_while_listed": True,
        "retention_months": 60,
        "notes": "Negative information kept 5 years from identification for government use "
        "(retention, then archived; rules.md §6.6); public display follows the national "
        "editions (ruling R1). Penalties under the simplified procedure are not negative "
        "information; repair needs a clean record since the decision; a record is kept "
        "public while its subject is on a serious black list.",
        "rules": [],
    },
    {
        "code": "samr-order45-2021",
        "jurisdiction": "samr",
        "name_zh": "市场监督管理行政处罚信息公示规定",
        "name_en": "SAMR rules on publicity of administrative penalty information",
        "issuer": "国家市场监督管理总局",
        "document": "国家市场监督管理总局令第45号",
        "effective_from": "2021-09-01",
        "effective_until": "2025-12-24",
        "permanent_penalty_types": _PERMANENT,
        "serious_permanent_count": None,
        "unpublished_penalty_types": ["warning"],
        "publication_deadline_days": 20,
        "withdrawal_deadline_days": 3,
        "notes": "Warnings not published; published within 20 working days of the decision; "
        "a revoked decision withdrawn within 3 working days. Its periods (criticism and low "
        "fines 3 months, others 3 years) govern SAMR's own system; on this site the national "
        "editions set publicity (ruling R1).",
        "rules": [],
    },
    {
        "code": "samr-order107-2025",
        "jurisdiction": "samr",
        "name_zh": "市场监督管理信用修复管理办法",
        "name_en": "SAMR credit repair measures",
        "issuer": "国家市场监督管理总局",
        "document": "国家市场监督管理总局令第107号",
        "effective_from": "2025-12-25",
        "effective_until": None,
        "permanent_penalty_types": _PERMANENT,
        "serious_permanent_count": None,
        "unpublished_penalty_types": ["warning"],
        "publication_deadline_days": 20,
        "withdrawal_deadline_days": 3,
        "notes": "Repair: minor stops after 3 months; moderate 3 months to 1 year (apply after "
        "3 months); serious 1 to 3 years (apply after 1 year) — the national periods. Order "
        "45's publication rules (warnings not published, 20 / 3 working days) carry on.",
        "rules": [],
    },
]
