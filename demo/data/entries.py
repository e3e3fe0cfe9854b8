"""Templates of the other records: negative information, honours, donations,
volunteering, risk warnings, priority concern and other information."""

from __future__ import annotations

from dataclasses import dataclass

from enterprises.models import Severity
from rules.kinds import RecordKind

K = RecordKind

# --- Other records


@dataclass(frozen=True)
class Entry:
    """A template for one record of a kind other than penalties and licences."""

    kind: str
    dept: str
    number: str  # document-number prefix ("" = none): {a} city, {y} year, {c} court
    title: str
    content: str  # {name} subject, {lr} legal representative, {amount}, {year}, {hours}
    basis: str
    weight: float = 1.0
    industries: str = ""  # "" = any
    amount: tuple[int, int] | None = None  # yuan, lower and upper bound
    severity: str = ""  # fixed severity of a negative kind; "" = drawn


COURT = "（{y}）浙{c}执"  # enforcement case numbers of the county court, e.g. （2024）浙0106执12号
CIVIL_PROCEDURE = "《中华人民共和国民事诉讼法》第二百六十二条"
CREDIT_REGULATION = "《浙江省公共信用信息管理条例》第十二条"
NEGATIVE_ENTRIES: tuple[Entry, ...] = (
    Entry(
        K.ABNORMAL_OPERATION,
        "amr",
        "{a}市监异列〔{y}〕",
        "列入经营异常名录",
        "{name}未依照《企业信息公示暂行条例》规定的期限公示年度报告，列入经营异常名录。",
        "《企业经营异常名录管理暂行办法》第六条",
        weight=20,
    ),
    Entry(
        K.ABNORMAL_OPERATION,
        "amr",
        "{a}市监异列〔{y}〕",
        "列入经营异常名录",
        "{name}通过登记的住所或者经营场所无法联系，列入经营异常名录。",
        "《企业经营异常名录管理暂行办法》第九条",
        weight=10,
    ),
    Entry(
        K.TAX_ARREARS,
        "zj-tax",
        "{a}税欠公〔{y}〕",
        "欠税公告",
        "{name}截至公告日欠缴增值税、企业所得税共计{amount}元，已超过规定的缴纳期限。",
        "《中华人民共和国税收征收管理法》第四十五条",
        weight=8,
        amount=(20_000, 3_000_000),
    ),
    Entry(
        K.ABNORMAL_TAX_ACCOUNT,
        "zj-tax",
        "{a}税非正常〔{y}〕",
        "认定为非正常户",
        "{name}未按照规定期限申报纳税，经责令限期改正后逾期不改正，且实地核查查无下落。",
        "《税务登记管理办法》第四十条",
        weight=7,
    ),
    Entry(
        K.SOCIAL_INSURANCE_ARREARS,
        "zj-hrss",
        "{a}社保征催〔{y}〕",
        "欠缴社会保险费",
        "{name}未按时足额缴纳职工社会保险费，累计欠缴{amount}元，经责令限期缴纳后仍未缴纳。",
        "《中华人民共和国社会保险法》第八十六条",
        weight=6,
        amount=(10_000, 800_000),
    ),
    Entry(
        K.JUDGEMENT_UNPERFORMED,
        "zj-court",
        COURT,
        "未履行生效法律文书确定的义务",
        "{name}在买卖合同纠纷一案中未履行生效判决确定的给付义务，执行标的{amount}元。",
        CIVIL_PROCEDURE,
        weight=9,
        amount=(50_000, 5_000_000),
    ),
    Entry(
        K.FINANCE_JUDGEMENT_UNPERFORMED,
        "zj-court",
        COURT,
        "未履行金融借款合同纠纷生效判决",
        "{name}在金融借款合同纠纷一案中未履行生效判决确定的还款义务，执行标的{amount}元。",
        CIVIL_PROCEDURE,
        weight=3,
        amount=(500_000, 30_000_000),
    ),
    Entry(
        K.ENFORCEMENT,
        "amr",
        "{a}市监强制〔{y}〕",
        "查封、扣押涉案物品",
        "对{name}涉嫌违法生产、销售的产品及相关工具依法予以查封、扣押。",
        "《中华人民共和国行政强制法》第二十二条",
        weight=3,
        industries="CF",
    ),
    Entry(
        K.ENFORCEMENT,
        "zj-tax",
        "{a}税强扣〔{y}〕",
        "税收强制执行",
        "{name}逾期仍未缴纳税款，依法从其存款中扣缴税款{amount}元。",
        "《中华人民共和国税收征收管理法》第四十条",
        weight=2,
        amount=(10_000, 1_000_000),
    ),
    Entry(
        K.ENFORCEMENT,
        "zj-eco",
        "{a}环封〔{y}〕",
        "查封、扣押排污设施",
        "{name}违法排放污染物，可能造成严重污染，依法查封其排放污染物的设施、设备。",
        "《中华人民共和国环境保护法》第二十五条",
        industries="BCDN",
    ),
    Entry(
        K.QUALITY_SPOT_CHECK,
        "amr",
        "{a}市监抽〔{y}〕",
        "产品质量监督抽查不合格",
        "在{year}年产品质量监督抽查中，{name}生产的产品经检验不合格，已责令其限期整改。",
        "《中华人民共和国产品质量法》第十五条",
        weight=7,
        industries="CF",
    ),
    Entry(
        K.SAFETY_ACCIDENT,
        "zj-emergency",
        "（{a}）应急调〔{y}〕",
        "一般生产安全事故",
        "{name}发生一起一般生产安全事故，造成一人受伤，事故调查认定为责任事故。",
        "《生产安全事故报告和调查处理条例》第三条",
        weight=3,
        industries="BCDEG",
    ),
    Entry(
        K.ENVIRONMENTAL_INCIDENT,
        "zj-eco",
        "{a}环应急〔{y}〕",
        "一般突发环境事件",
        "{name}厂区发生化学品泄漏，引发一般突发环境事件，已按应急预案处置完毕。",
        "《突发环境事件应急管理办法》第二条",
        weight=2,
        industries="ABCDN",
    ),
    Entry(
        K.COMMITMENT_UNFULFILLED,
        "amr",
        "{a}市监承诺〔{y}〕",
        "未履行告知承诺",
        "{name}以告知承诺方式取得许可，经核查未在承诺期限内补齐材料、达到许可条件。",
        CREDIT_REGULATION,
        weight=2,
    ),
    Entry(
        K.COMMITMENT_UNFULFILLED,
        "zj-housing",
        "{a}建承诺〔{y}〕",
        "未履行信用承诺",
        "{name}在建设工程审批中作出的信用承诺经核查与实际情况不符。",
        CREDIT_REGULATION,
        industries="EK",
    ),
    Entry(
        K.OTHER_BAD_CONDUCT,
        "zj-drc",
        "浙发改法规〔{y}〕",
        "招标投标活动中弄虚作假",
        "{name}在投标活动中提供虚假业绩证明材料，骗取中标。",
        "《中华人民共和国招标投标法》第五十四条",
        weight=2,
    ),
    Entry(
        K.OTHER_BAD_CONDUCT,
        "zj-transport",
        "{a}交认定〔{y}〕",
        "道路运输领域失信行为",
        "{name}所属营运车辆多次违法超限运输，认定为道路运输领域失信行为。",
        "《公路安全保护条例》第六十六条",
        industries="G",
    ),
    Entry(
        K.KEY_PERSON_LISTED,
        "zj-court",
        COURT,
        "法定代表人被列入失信被执行人名单",
        "{name}的法定代表人{lr}有履行能力而拒不履行生效法律文书确定的义务，被列入失信被执行人名单。",
        "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条",
        weight=2,
    ),
    Entry(
        K.KEY_PERSON_JUDGEMENT,
        "zj-court",
        COURT,
        "法定代表人未履行生效裁判",
        "{name}的法定代表人{lr}未履行生效判决确定的给付义务，执行标的{amount}元。",
        CIVIL_PROCEDURE,
        weight=2,
        amount=(30_000, 2_000_000),
    ),
    Entry(
        K.CRIMINAL,
        "zj-court",
        "（{y}）浙{c}刑初",
        "单位犯罪：污染环境罪",
        "{name}违反国家规定排放含重金属的废水，严重污染环境，构成污染环境罪，判处罚金{amount}元。",
        "《中华人民共和国刑法》第三百三十八条",
        weight=0.5,
        industries="BCDN",
        amount=(200_000, 2_000_000),
        severity=Severity.SERIOUS,
    ),
    Entry(
        K.CRIMINAL,
        "zj-court",
        "（{y}）浙{c}刑初",
        "单位犯罪：虚开增值税专用发票罪",
        "{name}虚开增值税专用发票，构成虚开增值税专用发票罪，判处罚金{amount}元。",
        "《中华人民共和国刑法》第二百零五条",
        weight=0.4,
        amount=(200_000, 2_000_000),
        severity=Severity.SERIOUS,
    ),
    Entry(
        K.FINANCE_CRIMINAL,
        "zj-court",
        "（{y}）浙{c}刑初",
        "单位犯罪：非法吸收公众存款罪",
        "{name}未经批准向社会公众吸收资金{amount}元，构成非法吸收公众存款罪。",
        "《中华人民共和国刑法》第一百七十六条",
        weight=0.4,
        amount=(5_000_000, 80_000_000),
        severity=Severity.SERIOUS,
    ),
    Entry(
        K.DEBT_EVASION,
        "pbc-hangzhou",
        "浙银认定〔{y}〕",
        "恶意逃废金融债务",
        "{name}通过转移资产、虚假破产等方式恶意逃废金融机构债务{amount}元。",
        CREDIT_REGULATION,
        weight=0.8,
        amount=(1_000_000, 20_000_000),
        severity=Severity.SERIOUS,
    ),
    Entry(
        K.OUTBOUND_INVESTMENT_UNREGISTERED,
        "pbc-hangzhou",
        "浙汇检〔{y}〕",
        "未办理境外直接投资存量权益登记",
        "{name}未按规定在{year}年9月30日前办理境外直接投资存量权益登记。",
        "《国家外汇管理局关于进一步简化和改进直接投资外汇管理政策的通知》（汇发〔2015〕13号）",
        weight=0.5,
        industries="CFJ",
    ),
    Entry(
        K.FALSE_LITIGATION,
        "zj-court",
        "（{y}）浙{c}民初",
        "虚假诉讼",
        "{name}与他人恶意串通，虚构债务提起诉讼，企图侵害他人合法权益，被处以罚款{amount}元。",
        "《中华人民共和国民事诉讼法》第一百一十五条",
        weight=0.4,
        amount=(50_000, 1_000_000),
        severity=Severity.SERIOUS,
    ),
)
CIVILISED_UNIT = Entry(
    K.HONOUR,
    "zj-civilization",
    "浙文明委〔{y}〕",
    "浙江省文明单位",
    "{name}被授予{year}年度浙江省文明单位称号。",
    "《全国文明城市、文明村镇、文明单位测评体系》",
    weight=10,
)
VOLUNTEERING_YOUTH = Entry(
    K.VOLUNTEERING,
    "zj-youth-league",
    "",
    "志愿服务记录",
    "{name}员工志愿服务队{year}年度累计开展志愿服务{hours}小时。",
    "《志愿服务条例》第十九条",
    weight=15,
)
TRUST_ENTRIES: tuple[Entry, ...] = (
    Entry(
        K.HONOUR,
        "zj-amr",
        "浙市监信〔{y}〕",
        "浙江省AA级“守合同重信用”企业",
        "{name}被公示为{year}年度浙江省AA级“守合同重信用”企业。",
        "《浙江省“守合同重信用”企业公示办法》",
        weight=20,
    ),
    CIVILISED_UNIT,
    Entry(
        K.HONOUR,
        "zj-hrss",
        "浙人社发〔{y}〕",
        "浙江省和谐劳动关系先进企业",
        "{name}被评为{year}年度浙江省和谐劳动关系先进企业。",
        "《浙江省和谐劳动关系企业评价办法》",
        weight=10,
    ),
    Entry(
        K.HONOUR,
        "zj-eco",
        "浙环发〔{y}〕",
        "浙江省绿色企业",
        "{name}被认定为{year}年度浙江省绿色企业（清洁生产先进企业）。",
        "《浙江省绿色企业创建管理办法》",
        weight=5,
        industries="BCDN",
    ),
    Entry(
        K.DONATION,
        "zj-red-cross",
        "浙红捐〔{y}〕",
        "慈善捐赠",
        "{name}向浙江省红十字会捐赠人民币{amount}元，用于救灾和人道救助。",
        "《中华人民共和国慈善法》第三十四条",
        weight=18,
        amount=(10_000, 2_000_000),
    ),
    Entry(
        K.DONATION,
        "zj-civil-affairs",
        "浙民慈〔{y}〕",
        "慈善捐赠",
        "{name}向浙江省慈善联合总会捐赠人民币{amount}元，用于“山海协作”乡村振兴项目。",
        "《中华人民共和国慈善法》第三十四条",
        weight=12,
        amount=(10_000, 1_000_000),
    ),
    VOLUNTEERING_YOUTH,
    Entry(
        K.VOLUNTEERING,
        "zj-civilization",
        "",
        "志愿服务记录",
        "{name}组织员工参与社区志愿服务，{year}年度累计服务{hours}小时。",
        "《志愿服务条例》第十九条",
        weight=10,
    ),
)
OTHER_ENTRIES: dict[str, tuple[Entry, ...]] = {
    K.RISK_WARNING: (
        Entry(
            K.RISK_WARNING,
            "zj-finance",
            "",
            "涉嫌非法集资风险提示",
            "{name}以高额回报为诱饵向社会公众宣传投资项目，存在非法集资风险，请注意防范。",
            "《防范和处置非法集资条例》第十四条",
        ),
        Entry(
            K.RISK_WARNING,
            "amr",
            "",
            "登记住所失联风险提示",
            "经实地核查，{name}在登记住所无法联系，请交易相对方注意交易风险。",
            "《中华人民共和国市场主体登记管理条例》第三十五条",
        ),
    ),
    K.PRIORITY_CONCERN: (
        Entry(
            K.PRIORITY_CONCERN,
            "zj-drc",
            "",
            "列为信用重点关注对象",
            "{name}一年内累计受到三次以上行政处罚，列为信用重点关注对象，实施重点监管。",
            "《浙江省公共信用信息管理条例》第二十一条",
        ),
    ),
    K.OTHER: (
        Entry(
            K.OTHER,
            "zj-drc",
            "",
            "公开信用承诺",
            "{name}作出公开信用承诺，承诺依法诚信经营、自觉接受监督。",
            "《浙江省公共信用信息管理条例》第二十四条",
        ),
    ),
}
NEGATIVE_KIND_VALUES = frozenset(entry.kind for entry in NEGATIVE_ENTRIES) | {K.PENALTY}
