"""Demo credit news (信用动态): a handful of articles in both languages, dated back from
the as-of day, so the home page and the news pages have something to show. The texts
are invented for the demonstration and say so in their source."""

from __future__ import annotations

import datetime as dt

from news.models import Article, ArticleLanguage

SOURCE_ZH = "演示数据（虚构内容）"
SOURCE_EN = "Demo data (invented content)"

# (days before the as-of day, title_zh, title_en, summary_zh, summary_en, body_zh, body_en)
ARTICLES: list[tuple[int, str, str, str, str, str, str]] = [
    (
        2,
        "企业年度报告公示提醒：6月30日前完成报送",
        "Reminder: file the annual report by 30 June",
        "未按时报送年度报告的企业将被列入经营异常名录。",
        "Enterprises that miss the deadline are put on the abnormal-operations list.",
        "企业应当于每年1月1日至6月30日，通过国家企业信用信息公示系统报送上一年度年度报告。"
        "\n\n未按规定期限公示年度报告的，由市场监督管理部门列入经营异常名录；"
        "补报并公示后，可申请移出。",
        "Every enterprise files its annual report for the previous year between 1 January "
        "and 30 June through the National Enterprise Credit Information Publicity System."
        "\n\nAn enterprise that misses the deadline is put on the abnormal-operations list by "
        "market regulation; once it has filed and published the report it may apply to be "
        "removed.",
    ),
    (
        9,
        "信用修复指南更新：申请材料与办理时限",
        "Credit repair guide updated: documents and time limits",
        "说明可以修复的失信信息、申请材料和办理时限。",
        "Which negative information can be repaired, what to send and how long it takes.",
        "本站更新了信用修复指南，说明哪些行政处罚信息可以申请修复、最短公示期、"
        "需要提交的材料以及各环节的办理时限。\n\n"
        "申请人可在线提交申请并查询办理进度。",
        "The site's credit repair guide now explains which administrative penalties may be "
        "repaired, the shortest publicity period, the documents to send and the time limit "
        "of each step.\n\nApplicants can apply online and follow their case.",
    ),
    (
        16,
        "“双随机、一公开”抽查计划及结果公示",
        "Random inspection plans and results published",
        "本季度抽查计划和已完成检查的结果已公示。",
        "This quarter's inspection plans and the results of completed inspections are public.",
        "本季度“双随机、一公开”抽查计划已经公布，抽取结果和检查结果在检查完成后"
        "20个工作日内公示。\n\n抽查比例按公共信用评价等级区分，信用好的企业抽查比例较低。",
        "This quarter's random inspection plans are published; the draw and the results of "
        "each inspection are published within 20 working days of its completion.\n\n"
        "Shares drawn depend on the public credit grade: well-rated enterprises are drawn "
        "less often.",
    ),
    (
        30,
        "信用承诺公示专栏上线",
        "Credit commitments now published",
        "企业作出的信用承诺集中公示，接受社会监督。",
        "Commitments made by enterprises are published for everyone to see.",
        "企业在办理行政许可等事项时作出的信用承诺，现集中在“信用承诺”栏目公示。"
        "\n\n承诺履行情况纳入信用记录，违反承诺的将依法处理。",
        "Credit commitments that enterprises make when applying for licences and similar "
        "decisions are now published in one place.\n\nWhether a commitment was kept becomes "
        "part of the credit record; breaking it has consequences under the law.",
    ),
    (
        45,
        "红黑名单专题公示说明",
        "About the red and black list publications",
        "介绍各类守信红名单和严重失信黑名单的认定依据和移出规则。",
        "The basis and the removal rules of each red and black list.",
        "“专题公示”栏目按名单展示守信激励对象和失信惩戒对象，每份名单注明认定部门、"
        "依据、公布日期和移出规则。\n\n对名单信息有异议的，可以提出异议申请。",
        "The special publications show the trust-keeping red lists and the seriously "
        "untrustworthy black lists, each with its authority, legal basis, publication date "
        "and removal rule.\n\nAnyone who believes an entry is wrong may object.",
    ),
    (
        60,
        "公共信用评价结果更新",
        "Public credit evaluation results updated",
        "企业公共信用评价等级按最新指标体系重新计算。",
        "Enterprises' public credit grades recomputed with the current indicator catalogue.",
        "本站按现行公共信用评价指标体系重新计算了企业的评价得分和等级（A至E）。"
        "\n\n评价结果在企业信用档案中公示，并说明各项指标的得分和扣分原因。",
        "The site has recomputed the public credit scores and grades (A to E) of "
        "enterprises with the indicator catalogue in force.\n\nEach credit file shows the "
        "result with the points of each indicator and the reason for every deduction.",
    ),
]


def demo_news(*, as_of: dt.date) -> int:
    """Write the demo articles (published, in both languages) unless articles exist."""
    if Article.objects.exists():
        return 0
    Article.objects.bulk_create(
        Article(
            language=ArticleLanguage.BOTH,
            title_zh=title_zh,
            title_en=title_en,
            summary_zh=summary_zh,
            summary_en=summary_en,
            body_zh=body_zh,
            body_en=body_en,
            source_zh=SOURCE_ZH,
            source_en=SOURCE_EN,
            published_on=as_of - dt.timedelta(days=days),
            is_published=True,
        )
        for days, title_zh, title_en, summary_zh, summary_en, body_zh, body_en in ARTICLES
    )
    return len(ARTICLES)
