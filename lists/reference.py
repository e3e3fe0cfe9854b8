"""Reference data seeded by migration: the disciplinary-measures lists and the red and
black lists the thesis names (rules.md §5, §12).

Items of the 2021 National Basic List that the thesis does not name (2, 3, 6) carry a
descriptive name; verify against the official text before relying on the wording.
"""

from __future__ import annotations

# (code, jurisdiction, name_zh, name_en, issuer, effective_from, source_url, supplements)
MEASURE_EDITIONS = [
    (
        "cn-2021",
        "national",
        "全国失信惩戒措施基础清单（2021年版）",
        "National Basic List of Disciplinary Measures for Untrustworthiness (2021 edition)",
        "国家发展改革委、人民银行、社会信用体系建设部际联席会议",
        "2022-01-01",
        "https://www.ndrc.gov.cn/xxgk/zcfb/ghxwj/202112/P020211231393058370544.pdf",
        None,
    ),
    (
        "zj-2022",
        "zhejiang",
        "浙江省失信惩戒措施补充清单（2022版）",
        "Supplementary List of Punishment Measures for Dishonesty in Zhejiang (2022 edition)",
        "浙江省发展和改革委员会",
        "2022-04-27",
        "https://fzggw.zj.gov.cn/art/2022/4/27/art_1599567_58934028.html",
        "cn-2021",
    ),
]

# (edition, number, code, category, name_zh, name_en, extends (edition, code) or None)
MEASURES = [
    ("cn-2021", 1, "1", "1", "限制市场或行业准入", "Market or industry ban", None),
    ("cn-2021", 2, "2", "1", "限制任职", "Restriction on holding certain positions", None),
    (
        "cn-2021",
        3,
        "3",
        "1",
        "限制从事特定业务活动",
        "Restriction on specific business activities",
        None,
    ),
    (
        "cn-2021",
        4,
        "4",
        "1",
        "限制法定代表人等高消费",
        "Restriction of high consumption of the legal representative",
        None,
    ),
    ("cn-2021", 5, "5", "1", "限制出境", "Exit restriction", None),
    (
        "cn-2021",
        6,
        "6",
        "1",
        "法律法规规定的其他限制权益措施",
        "Other restrictions of rights provided by law",
        None,
    ),
    ("cn-2021", 7, "7", "2", "限制申请财政性资金项目", "Restriction of fiscal funding", None),
    ("cn-2021", 8, "8", "2", "限制享受优惠政策", "Restriction of preferential policies", None),
    ("cn-2021", 9, "9", "2", "限制评先评优", "Exclusion from merit appraisals", None),
    (
        "cn-2021",
        10,
        "10",
        "2",
        "在信用网站公示失信信息",
        "Disclosure of untrustworthiness information on the credit portals",
        None,
    ),
    (
        "cn-2021",
        11,
        "11",
        "2",
        "共享失信信息并纳入信用记录",
        "Sharing of untrustworthiness information in credit records",
        None,
    ),
    ("cn-2021", 12, "12", "2", "列为重点监管对象", "Key supervision", None),
    (
        "cn-2021",
        13,
        "13",
        "3",
        "有关单位查询信用状况",
        "Consultation of credit status by departments and organisations",
        None,
    ),
    (
        "cn-2021",
        14,
        "14",
        "3",
        "市场主体查询信用状况",
        "Consultation of credit status by market entities",
        None,
    ),
    (
        "zj-2022",
        8,
        "8-ZJ-1",
        "2",
        "不予高新技术企业认定",
        "No High and New Technology Enterprise certification",
        ("cn-2021", "8"),
    ),
]

_SERIOUS = ["1", "7", "8", "9", "10", "11", "12", "13", "14"]
_ZJ_SERIOUS = [*_SERIOUS, "8-ZJ-1"]

# Each list: a dict of CreditList fields plus "authority" (department code) and
# "measures" (codes: national items by number, Zhejiang items by their code).
# Notice before listing follows each list's own basis: only the SAMR serious-violation
# list gives 10 working days; the others list without notice (rules.md §5.2). The move
# of abnormal-operations entries onto the SAMR list after 36 months is set by migration
# 0003 (rules.md §5.3).
CREDIT_LISTS: list[dict[str, object]] = [
    {
        "slug": "cn-class-a-taxpayers",
        "name_zh": "A级纳税人名单",
        "name_en": "Class A taxpayers",
        "color": "red",
        "scope": "national",
        "jurisdiction": "national",
        "authority": "sta",
        "legal_basis": "《纳税信用管理办法（试行）》（国家税务总局公告2014年第40号）",
        "criteria": "Taxpayers rated A (90 points or more) in the annual tax credit evaluation.",
        "term_months": 12,
        "end_rule": "review",
        "end_rule_text": "Valid until the next annual rating (published each April).",
        "measures": [],
    },
    {
        "slug": "cn-water-transport-red",
        "name_zh": "水运工程建设领域红名单",
        "name_en": "Red list of water transport construction",
        "color": "red",
        "scope": "national",
        "jurisdiction": "national",
        "authority": "mot",
        "legal_basis": "《水运工程建设市场信用信息管理办法》（交通运输部）",
        "criteria": "Enterprises rated AA in the annual credit evaluation of water transport "
        "construction.",
        "term_months": 12,
        "end_rule": "review",
        "end_rule_text": "Valid until the next annual credit evaluation.",
        "measures": [],
    },
    {
        "slug": "cn-dishonest-judgment-debtors",
        "name_zh": "失信被执行人名单",
        "name_en": "Persons subject to enforcement for trust-breaking",
        "color": "black",
        "scope": "national",
        "jurisdiction": "national",
        "authority": "spc",
        "legal_basis": "《最高人民法院关于公布失信被执行人名单信息的若干规定》（法释〔2017〕7号）",
        "criteria": "Judgment debtors able to perform who do not perform obligations set by an "
        "effective legal document, or who obstruct or evade enforcement.",
        "term_months": 24,
        "end_rule": "term_or_obligation",
        "end_rule_text": "Two years, extendable by one to three years; deleted within 3 working "
        "days once the obligations are fulfilled or the term ends, and all punitive measures "
        "cease.",
        "removal_working_days": 3,
        "measures": ["1", "4", "5", "7", "8", "9", "10", "11", "12", "13", "14"],
    },
    {
        "slug": "cn-samr-serious-violation",
        "name_zh": "市场监督管理严重违法失信名单",
        "name_en": "SAMR list of serious violations and untrustworthiness",
        "color": "black",
        "scope": "national",
        "jurisdiction": "national",
        "authority": "samr",
        "legal_basis": "《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号）",
        "criteria": "Serious violations of market-regulation law punished with heavy "
        "administrative penalties; the subject is notified with reasons and may object "
        "within 10 working days.",
        "term_months": 36,
        "objection_working_days": 10,
        "end_rule": "term",
        "end_rule_text": "Removed after 3 years; early removal by credit repair after at least "
        "1 year once obligations are performed and no new heavier penalty was imposed.",
        "repair_allowed": True,
        "repair_min_months": 12,
        "repair_forbidden_times_listed": 2,
        "repair_rule": "May apply after at least one year listed, with obligations performed "
        "and a public credit commitment; refused for subjects listed two or more times.",
        "measures": _SERIOUS,
    },
    {
        "slug": "cn-abnormal-operations",
        "name_zh": "经营异常名录",
        "name_en": "Abnormal operations list",
        "color": "black",
        "scope": "national",
        "jurisdiction": "national",
        "authority": "samr",
        "is_serious": False,
        "legal_basis": "《企业经营异常名录管理暂行办法》（国家工商行政管理总局令第68号）",
        "criteria": "Not filing the annual report (due 1 January–30 June), false disclosure, "
        "or not reachable at the registered address.",
        "term_months": None,
        "end_rule": "obligation",
        "end_rule_text": "Removed once the obligation is performed; after 3 years on it without "
        "performing, the enterprise is proposed for the SAMR serious-violation list.",
        "measures": ["10", "12", "13", "14"],
    },
    {
        "slug": "zj-class-a-taxpayers",
        "name_zh": "浙江省A级纳税人名单",
        "name_en": "Class A taxpayers (Zhejiang)",
        "color": "red",
        "scope": "provincial",
        "jurisdiction": "zhejiang",
        "authority": "zj-tax",
        "legal_basis": "《纳税信用管理办法（试行）》（国家税务总局公告2014年第40号）",
        "criteria": "Zhejiang taxpayers rated A in the annual tax credit evaluation.",
        "term_months": 12,
        "end_rule": "review",
        "end_rule_text": "Valid until the next annual rating.",
        "measures": [],
    },
    {
        "slug": "zj-contract-abiding",
        "name_zh": "浙江省“守合同重信用”企业名单",
        "name_en": "Contract-abiding and trustworthy enterprises (Zhejiang)",
        "color": "red",
        "scope": "provincial",
        "jurisdiction": "zhejiang",
        "authority": "zj-amr",
        "legal_basis": "浙江省“守合同重信用”企业公示办法",
        "criteria": "Enterprises publicly recognised for keeping contracts and credit.",
        "term_months": 24,
        "end_rule": "term",
        "end_rule_text": "Valid for two years from publication.",
        "measures": [],
    },
    {
        "slug": "zj-dishonest-judgment-debtors",
        "name_zh": "浙江省失信被执行人名单",
        "name_en": "Persons subject to enforcement for trust-breaking (Zhejiang)",
        "color": "black",
        "scope": "provincial",
        "jurisdiction": "zhejiang",
        "authority": "zj-court",
        "legal_basis": "《最高人民法院关于公布失信被执行人名单信息的若干规定》（法释〔2017〕7号）",
        "criteria": "Judgment debtors in Zhejiang courts who do not perform effective legal "
        "documents though able to.",
        "term_months": 24,
        "end_rule": "term_or_obligation",
        "end_rule_text": "Deleted within 3 working days of fulfilment or the end of the term.",
        "removal_working_days": 3,
        "measures": ["1", "4", "5", "7", "8", "8-ZJ-1", "9", "10", "11", "12", "13", "14"],
    },
    {
        "slug": "zj-culture-tourism-black",
        "name_zh": "文化和旅游市场黑名单",
        "name_en": "Culture and tourism market black list",
        "color": "black",
        "scope": "provincial",
        "jurisdiction": "zhejiang",
        "authority": "zj-culture",
        "legal_basis": "《文化和旅游市场信用管理规定》（文化和旅游部令第7号）",
        "criteria": "Culture and tourism market entities identified as seriously untrustworthy.",
        "term_months": 36,
        "end_rule": "term",
        "end_rule_text": "Removed after 3 years; early removal by credit repair after 1 year.",
        "repair_allowed": True,
        "repair_min_months": 12,
        "repair_forbidden_times_listed": 2,
        "repair_rule": "May apply after one year listed with obligations performed.",
        "measures": _ZJ_SERIOUS,
    },
    {
        "slug": "zj-eco-serious",
        "name_zh": "生态环境领域严重失信名单",
        "name_en": "Seriously untrustworthy in ecological environment",
        "color": "black",
        "scope": "provincial",
        "jurisdiction": "zhejiang",
        "authority": "zj-eco",
        "legal_basis": "生态环境部、浙江省生态环境厅环境信用评价规定",
        "criteria": "Enterprises rated seriously untrustworthy in the environmental credit "
        "evaluation (serious pollution, falsified monitoring data).",
        "term_months": 36,
        "end_rule": "term",
        "end_rule_text": "Removed after 3 years unless repaired earlier.",
        "repair_allowed": True,
        "repair_min_months": 12,
        "repair_forbidden_times_listed": 2,
        "repair_rule": "May apply after one year with pollution corrected and penalties paid.",
        "measures": _ZJ_SERIOUS,
    },
    {
        "slug": "zj-production-safety-serious",
        "name_zh": "安全生产严重失信主体名单",
        "name_en": "Seriously untrustworthy in production safety",
        "color": "black",
        "scope": "provincial",
        "jurisdiction": "zhejiang",
        "authority": "zj-emergency",
        "legal_basis": "《安全生产严重失信主体名单管理办法》（应急管理部令第11号）",
        "criteria": "Responsibility for serious production-safety accidents or serious illegal "
        "production.",
        "term_months": 36,
        "end_rule": "term",
        "end_rule_text": "Removed after 3 years; early removal by credit repair after 1 year.",
        "repair_allowed": True,
        "repair_min_months": 12,
        "repair_forbidden_times_listed": 2,
        "repair_rule": "May apply after one year with hazards remedied.",
        "measures": _ZJ_SERIOUS,
    },
    {
        "slug": "zj-wage-arrears",
        "name_zh": "拖欠农民工工资失信联合惩戒对象名单",
        "name_en": "Joint punishment list for wage arrears to migrant workers",
        "color": "black",
        "scope": "provincial",
        "jurisdiction": "zhejiang",
        "authority": "zj-hrss",
        "legal_basis": (
            "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》（人力资源社会保障部令第45号）"
        ),
        "criteria": "Employers who maliciously withhold wages of migrant workers.",
        "term_months": 36,
        "end_rule": "term",
        "end_rule_text": "Removed after 3 years; early removal after 1 year once wages are paid.",
        "repair_allowed": True,
        "repair_min_months": 12,
        "repair_forbidden_times_listed": 2,
        "repair_rule": "May apply after one year with all wages paid.",
        "measures": _ZJ_SERIOUS,
    },
]

# The texts of each list in the other language (rules.md §5): criteria, ends and repair
# rules were written in English, legal bases in Chinese. Kept apart from CREDIT_LISTS
# because migration 0002 creates lists from those dicts as they were then; migration 0005
# fills these in, and new lists carry both from the start.
LIST_TRANSLATIONS: dict[str, dict[str, str]] = {
    "cn-class-a-taxpayers": {
        "legal_basis_en": "Measures for Tax Credit Management (Trial) (STA Announcement No. 40 "
        "of 2014)",
        "criteria_zh": "年度纳税信用评价为A级（90分以上）的纳税人。",
        "end_rule_text_zh": "有效至下一年度评价结果发布（每年4月发布）。",
    },
    "cn-water-transport-red": {
        "legal_basis_en": "Measures for Credit Information of the Water Transport Construction "
        "Market (Ministry of Transport)",
        "criteria_zh": "水运工程建设年度信用评价为AA级的企业。",
        "end_rule_text_zh": "有效至下一年度信用评价。",
    },
    "cn-dishonest-judgment-debtors": {
        "legal_basis_en": "Provisions of the Supreme People's Court on Publishing the List of "
        "Dishonest Judgment Debtors (Fa Shi [2017] No. 7)",
        "criteria_zh": "有履行能力而拒不履行生效法律文书确定义务，或者妨碍、规避执行的被执行人。",
        "end_rule_text_zh": "期限二年，可延长一至三年；义务履行完毕或期限届满后3个工作日内删除，"
        "各项惩戒措施同时解除。",
    },
    "cn-samr-serious-violation": {
        "legal_basis_en": "Measures for the Administration of the List of Serious Violations and "
        "Untrustworthiness in Market Regulation (SAMR Order No. 44)",
        "criteria_zh": "违反市场监督管理法律法规、受到较重行政处罚的严重违法行为；列入前告知当事人"
        "理由，当事人可在10个工作日内提出异议。",
        "end_rule_text_zh": "列入满3年移出；列入满1年、已履行义务且未受到新的较重行政处罚的，"
        "可通过信用修复提前移出。",
        "repair_rule_zh": "列入满一年、已履行义务并作出公开信用承诺的，可以申请；"
        "两次以上列入的不予修复。",
    },
    "cn-abnormal-operations": {
        "legal_basis_en": "Interim Measures for the Administration of the List of Enterprises "
        "with Abnormal Operations (SAIC Order No. 68)",
        "criteria_zh": "未按期报送年度报告（1月1日至6月30日）、公示信息隐瞒真实情况或弄虚作假，"
        "或者通过登记的住所无法联系。",
        "end_rule_text_zh": "履行相关义务后移出；列入满3年仍未履行的，提请列入市场监督管理严重违法"
        "失信名单。",
    },
    "zj-class-a-taxpayers": {
        "legal_basis_en": "Measures for Tax Credit Management (Trial) (STA Announcement No. 40 "
        "of 2014)",
        "criteria_zh": "年度纳税信用评价为A级的浙江省纳税人。",
        "end_rule_text_zh": "有效至下一年度评价结果发布。",
    },
    "zj-contract-abiding": {
        "legal_basis_en": "Zhejiang Measures for Publicising Contract-abiding and Trustworthy "
        "Enterprises",
        "criteria_zh": "经公示认定的守合同、重信用企业。",
        "end_rule_text_zh": "自公布之日起两年内有效。",
    },
    "zj-dishonest-judgment-debtors": {
        "legal_basis_en": "Provisions of the Supreme People's Court on Publishing the List of "
        "Dishonest Judgment Debtors (Fa Shi [2017] No. 7)",
        "criteria_zh": "有履行能力而拒不履行生效法律文书的浙江省法院被执行人。",
        "end_rule_text_zh": "义务履行完毕或期限届满后3个工作日内删除。",
    },
    "zj-culture-tourism-black": {
        "legal_basis_en": "Provisions on Credit Management of the Culture and Tourism Market "
        "(Ministry of Culture and Tourism Order No. 7)",
        "criteria_zh": "被认定为严重失信的文化和旅游市场主体。",
        "end_rule_text_zh": "列入满3年移出；满1年后可通过信用修复提前移出。",
        "repair_rule_zh": "列入满一年且已履行义务的，可以申请。",
    },
    "zj-eco-serious": {
        "legal_basis_en": "Environmental credit evaluation rules of the Ministry of Ecology and "
        "Environment and the Zhejiang Department of Ecology and Environment",
        "criteria_zh": "环境信用评价为严重失信的企业（严重污染环境、篡改伪造监测数据等）。",
        "end_rule_text_zh": "列入满3年移出，提前修复的除外。",
        "repair_rule_zh": "列入满一年、已完成污染整改并缴清罚款的，可以申请。",
    },
    "zj-production-safety-serious": {
        "legal_basis_en": "Measures for the Administration of the List of Seriously "
        "Untrustworthy Entities in Production Safety (Ministry of Emergency Management Order "
        "No. 11)",
        "criteria_zh": "对重大生产安全事故负有责任或者存在严重违法生产行为。",
        "end_rule_text_zh": "列入满3年移出；满1年后可通过信用修复提前移出。",
        "repair_rule_zh": "列入满一年且已消除事故隐患的，可以申请。",
    },
    "zj-wage-arrears": {
        "legal_basis_en": "Interim Measures for the Administration of the List of Entities "
        "Subject to Joint Punishment for Wage Arrears to Migrant Workers (MOHRSS Order No. 45)",
        "criteria_zh": "恶意拖欠农民工工资的用人单位。",
        "end_rule_text_zh": "列入满3年移出；工资全部清偿满1年后可提前移出。",
        "repair_rule_zh": "列入满一年且已清偿全部拖欠工资的，可以申请。",
    },
}

# The measure editions' issuers in English (the editions were seeded with Chinese ones).
MEASURE_EDITION_ISSUERS_EN = {
    "cn-2021": "National Development and Reform Commission, People's Bank of China, "
    "Inter-Ministerial Joint Conference on the Social Credit System",
    "zj-2022": "Zhejiang Development and Reform Commission",
}
