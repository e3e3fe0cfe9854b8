"""Administrative penalties: the conduct punished by each department, which conduct may
be serious, serious penalty types and the wording of penalty types."""

from __future__ import annotations

from dataclasses import dataclass

from enterprises.models import PenaltyType

from . import _words

PT = PenaltyType

# --- Administrative penalties


@dataclass(frozen=True)
class Violation:
    dept: str
    number: str  # document-number prefix: {a} city abbr., {y} year
    title: str
    detail: str  # what the subject did, after "经查，当事人…"
    basis: str
    industries: str  # "" = any


def _violations(dept: str, number: str, *rows: str) -> tuple[Violation, ...]:
    """Rows "title | detail | basis | industries" of one department."""
    violations = []
    for row in rows:
        title, detail, basis, industries = (part.strip() for part in row.split("|"))
        violations.append(Violation(dept, number, title, detail, basis, industries))
    return tuple(violations)


PENALTIES: tuple[Violation, ...] = (
    *_violations(
        "amr",
        "{a}市监处罚〔{y}〕",
        "发布虚假广告 | 在其经营场所及网络平台发布含有虚假内容的广告"
        " | 《中华人民共和国广告法》第五十五条 | CFHIQRL",
        "销售不符合食品安全标准的食品 | 销售的食品经抽样检验不符合食品安全标准"
        " | 《中华人民共和国食品安全法》第一百二十四条 | AFH",
        "销售侵犯注册商标专用权的商品 | 销售侵犯他人注册商标专用权的商品"
        " | 《中华人民共和国商标法》第六十条 | CF",
        "生产销售不合格产品 | 生产、销售的产品经监督抽查判定为不合格"
        " | 《中华人民共和国产品质量法》第四十九条 | CF",
        "不按规定明码标价 | 销售商品未按照规定明码标价 | 《中华人民共和国价格法》第四十二条 | FHOK",
        "虚假宣传 | 对其商品的性能、功能作虚假的商业宣传"
        " | 《中华人民共和国反不正当竞争法》第二十条 | ",
        "使用未经定期检验的特种设备 | 使用未经定期检验的电梯、压力容器等特种设备"
        " | 《中华人民共和国特种设备安全法》第八十四条 | CGHKO",
        "未按规定查验进货凭证 | 采购食品未按规定查验供货者的许可证和合格证明"
        " | 《中华人民共和国食品安全法》第一百二十六条 | FH",
        "未按规定办理变更登记 | 变更住所后未依法办理变更登记"
        " | 《中华人民共和国市场主体登记管理条例》第四十六条 | ",
    ),
    *_violations(
        "zj-eco",
        "{a}环罚〔{y}〕",
        "超标排放水污染物 | 排放的废水中化学需氧量浓度超过国家排放标准"
        " | 《中华人民共和国水污染防治法》第八十三条 | ABCDN",
        "未批先建 | 建设项目环境影响评价文件未经批准擅自开工建设"
        " | 《中华人民共和国环境影响评价法》第三十一条 | BCDEN",
        "大气污染防治设施未正常运行 | 废气收集处理设施未正常运行"
        " | 《中华人民共和国大气污染防治法》第九十九条 | BCD",
        "危险废物贮存不规范 | 未按照规定贮存危险废物"
        " | 《中华人民共和国固体废物污染环境防治法》第一百一十二条 | CNQ",
    ),
    *_violations(
        "zj-emergency",
        "（{a}）应急罚〔{y}〕",
        "未按规定开展安全生产教育和培训 | 未按照规定对从业人员进行安全生产教育和培训"
        " | 《中华人民共和国安全生产法》第九十七条 | BCDEG",
        "安全设备不符合国家标准 | 安全设备的安装、使用、检测不符合国家标准或者行业标准"
        " | 《中华人民共和国安全生产法》第九十九条 | BCE",
    ),
    *_violations(
        "zj-housing",
        "{a}建罚〔{y}〕",
        "未取得施工许可证擅自施工 | 未取得施工许可证擅自开工建设"
        " | 《建筑工程施工许可管理办法》第十二条 | EK",
        "违反工程建设强制性标准 | 在施工中违反工程建设强制性标准"
        " | 《建设工程质量管理条例》第六十四条 | E",
    ),
    *_violations(
        "zj-fire",
        "{a}消行罚决字〔{y}〕",
        "消防设施未保持完好有效 | 消防设施、器材未保持完好有效"
        " | 《中华人民共和国消防法》第六十条 | CFHOPQR",
        "占用、堵塞疏散通道 | 占用、堵塞、封闭疏散通道和安全出口"
        " | 《中华人民共和国消防法》第六十条 | FHOR",
    ),
    *_violations(
        "zj-tax",
        "{a}税稽罚〔{y}〕",
        "未按期办理纳税申报 | 未按照规定期限办理纳税申报和报送纳税资料"
        " | 《中华人民共和国税收征收管理法》第六十二条 | ",
        "未按规定开具发票 | 未按照规定开具发票 | 《中华人民共和国发票管理办法》第三十五条 | ",
        "少缴税款 | 通过在账簿上多列支出、少列收入的手段少缴税款"
        " | 《中华人民共和国税收征收管理法》第六十三条 | ",
    ),
    *_violations(
        "zj-hrss",
        "{a}人社监罚〔{y}〕",
        "拖欠劳动者工资 | 克扣、无故拖欠劳动者工资报酬 | 《劳动保障监察条例》第二十六条 | CEFH",
        "违法延长劳动者工作时间 | 违反工作时间规定延长劳动者工作时间"
        " | 《劳动保障监察条例》第二十五条 | CH",
    ),
    *_violations(
        "zj-transport",
        "{a}交执罚〔{y}〕",
        "车辆超限运输 | 所属车辆未经许可超限运输 | 《公路安全保护条例》第六十四条 | BEG",
        "未取得道路运输经营许可从事经营 | 未取得道路运输经营许可擅自从事道路运输经营"
        " | 《中华人民共和国道路运输条例》第六十三条 | G",
    ),
    *_violations(
        "zj-culture",
        "{a}文旅罚〔{y}〕",
        "擅自从事旅行社业务 | 未取得相应的旅行社业务经营许可经营出境旅游业务"
        " | 《旅行社条例》第四十六条 | L",
        "未按规定核对登记上网消费者身份 | 未按规定核对、登记上网消费者的有效身份证件"
        " | 《互联网上网服务营业场所管理条例》第三十一条 | IR",
    ),
    *_violations(
        "hangzhou-customs",
        "{a}关缉违字〔{y}〕",
        "申报不实 | 进出口货物申报不实，影响海关统计准确性"
        " | 《中华人民共和国海关行政处罚实施条例》第十五条 | CF",
    ),
)

# Conduct that may be punished as serious (the identifying department decides, §3.1.3).
MAY_BE_SERIOUS = frozenset(
    _words(
        "发布虚假广告 销售不符合食品安全标准的食品 销售侵犯注册商标专用权的商品",
        "生产销售不合格产品 超标排放水污染物 未批先建 大气污染防治设施未正常运行",
        "危险废物贮存不规范 安全设备不符合国家标准 违反工程建设强制性标准 少缴税款",
        "擅自从事旅行社业务 未取得道路运输经营许可从事经营 申报不实",
    )
)
# Serious penalty types by department (Credit Repair Measures §3.1.3: withholding or
# revoking licences, lowering qualifications, restricting, suspending or closing down,
# fines > 1 M), repeated for their weight. Suspension and a temporary restriction are
# serious; closure and a permanent ban or restriction are permanent and rarer
# (docs/rules.md §6.3).
SERIOUS_TYPES: dict[str, tuple[str, ...]] = {
    "zj-housing": (PT.QUALIFICATION_LOWERED, PT.FINE, PT.LICENCE_SUSPENDED, PT.SUSPENDED),
    "zj-eco": (
        *(PT.SUSPENDED, PT.SUSPENDED, PT.PRODUCTION_RESTRICTED, PT.PRODUCTION_RESTRICTED),
        *(PT.FINE, PT.FINE, PT.CLOSED_DOWN),
    ),
    "zj-emergency": (
        *(PT.SUSPENDED, PT.SUSPENDED, PT.FINE, PT.LICENCE_SUSPENDED),
        *(PT.PRODUCTION_RESTRICTED, PT.CLOSED_DOWN),
    ),
    "zj-tax": (PT.FINE,),
}
SERIOUS_DEFAULT = (
    *(PT.FINE, PT.FINE, PT.FINE, PT.LICENCE_SUSPENDED, PT.LICENCE_SUSPENDED),
    *(PT.SUSPENDED, PT.PRODUCTION_RESTRICTED, PT.LICENCE_REVOKED, PT.PERMANENT_RESTRICTION),
)
PENALTY_WORDING: dict[str, str] = {
    PT.WARNING: "警告",
    PT.CRITICISM: "通报批评",
    PT.QUALIFICATION_LOWERED: "降低资质等级",
    PT.LICENCE_SUSPENDED: "暂扣许可证件六个月",
    PT.LICENCE_REVOKED: "吊销许可证件",
    PT.PRODUCTION_RESTRICTED: "限制开展生产经营活动六个月",
    PT.SUSPENDED: "责令停产停业三个月",
    PT.CLOSED_DOWN: "责令关闭",
    PT.PERMANENT_RESTRICTION: "终身禁止从事相关生产经营活动",
}
# Penalties a Zhejiang department may decide on the spot under the simplified procedure
# (简易程序, Administrative Penalty Law art. 51): a warning, or a fine of an organisation
# up to 3,000 yuan. A share of them is flagged so (not published, docs/rules.md §6.5).
SIMPLIFIED_FINE_LIMIT = 3000
SIMPLIFIED_SHARE = 0.4
