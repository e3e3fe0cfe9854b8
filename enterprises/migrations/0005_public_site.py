"""Schema of the public site: pinyin search keys of subjects, policies, credit
commitments and issued credit reports; the policy documents the thesis cites; on
PostgreSQL, trigram indexes for substring search (DESIGN: pg_trgm)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def fill_search_keys(apps, schema_editor):
    """Existing subjects get their pinyin keys (new ones get them from subject_upsert)."""
    from enterprises.pinyin import search_keys

    Subject = apps.get_model("enterprises", "Subject")
    FormerName = apps.get_model("enterprises", "FormerName")
    former: dict[int, list[str]] = {}
    for subject_id, name in FormerName.objects.values_list("subject_id", "name").iterator():
        former.setdefault(subject_id, []).append(name)
    batch = []
    for subject in Subject.objects.only("id", "name").iterator(chunk_size=2000):
        subject.search_pinyin, subject.search_initials = search_keys(
            [subject.name, *former.get(subject.pk, [])]
        )
        batch.append(subject)
        if len(batch) >= 2000:
            Subject.objects.bulk_update(batch, ["search_pinyin", "search_initials"])
            batch = []
    if batch:
        Subject.objects.bulk_update(batch, ["search_pinyin", "search_initials"])


# (title_zh, title_en, issuer_zh, issuer_en, level, date, summary_zh, summary_en, url),
# as the thesis cites them (its footnotes and bibliography).
POLICIES = [
    (
        "社会信用体系建设规划纲要（2014—2020年）",
        "Planning Outline for the Construction of a Social Credit System (2014–2020)",
        "国务院",
        "State Council",
        "national",
        "2014-06-14",
        "首次系统提出社会信用体系建设的目标、重点领域和保障措施。",
        "First outlines the social credit system: its goals, priority areas and supporting measures.",
        "http://www.gov.cn/zhengce/content/2014-06/27/content_8913.htm",
    ),
    (
        "国务院办公厅关于进一步完善失信约束制度构建诚信建设长效机制的指导意见",
        "Guiding Opinions on Further Improving the Dishonesty Restraint System and Building a "
        "Long-term Mechanism for Integrity Construction",
        "国务院办公厅",
        "General Office of the State Council",
        "national",
        "2019-04-30",
        "论文称“527号文件”：区分严重失信与一般失信行为，规定不同的公示期和信用修复措施。",
        "Cited in the thesis as “Document 527”: distinguishes serious from general "
        "trust-breaking, with different publicity periods and repair measures.",
        "https://www.ndrc.gov.cn/xxgk/zcfb/tz/201905/t20190514_962445.html",
    ),
    (
        "国务院办公厅关于加快推进社会信用体系建设构建以信用为基础的新型监管机制的指导意见",
        "Guiding Opinions on Accelerating the Construction of the Social Credit System and "
        "Building a New Credit-Based Supervision Mechanism",
        "国务院办公厅",
        "General Office of the State Council",
        "national",
        "2019-07-17",
        "建立信用承诺制度，推进事前、事中、事后全流程信用监管。",
        "Establishes the credit commitment system and credit-based supervision before, during "
        "and after the fact.",
        "http://www.gov.cn/zhengce/content/2019-07/16/content_5410120.htm",
    ),
    (
        "关于纳税信用修复有关事项的公告",
        "Announcement on Matters Relating to Tax Credit Repair",
        "国家税务总局",
        "State Taxation Administration",
        "national",
        "2019-11-07",
        "纳入纳税信用管理的企业纠正失信行为后可申请纳税信用修复。",
        "Taxpayers who have corrected their untrustworthy conduct may apply for tax credit repair.",
        "http://www.chinatax.gov.cn/chinatax/n810341/n810755/c5139577/content.html",
    ),
    (
        "关于进一步规范公共信用信息纳入范围、失信惩戒和信用修复构建诚信建设长效机制的指导意见（征求意见稿）",
        "Guiding Opinions on Further Regulating the Scope of Public Credit Information, "
        "Punishment for Untrustworthiness and Credit Repair (draft for comment)",
        "国家发展改革委、人民银行",
        "National Development and Reform Commission; People's Bank of China",
        "national",
        None,
        "规范公共信用信息的纳入范围、失信惩戒措施和信用修复。",
        "Regulates what public credit information may include, disciplinary measures and "
        "credit repair.",
        "https://hd.ndrc.gov.cn/yjzx/yjzx_add.jsp?SiteId=339",
    ),
    (
        "严重违法失信企业名单管理办法（修订草案征求意见稿）",
        "Measures for Managing the List of Enterprises with Serious Violations "
        "(revised draft for comment)",
        "市场监管总局",
        "State Administration for Market Regulation",
        "national",
        "2021-02-10",
        "列入前告知、10个工作日陈述申辩，列入满3年移出，符合条件的可提前信用修复。",
        "Notice before listing with 10 working days to respond; removal after 3 years; early "
        "removal by credit repair where allowed.",
        "https://www.samr.gov.cn/hd/zjdc/202102/t20210210_326053.html",
    ),
    (
        "信用修复管理办法（试行）（征求意见稿）",
        "Measures for the Administration of Credit Repair (trial, draft for comment)",
        "国家发展改革委",
        "National Development and Reform Commission",
        "national",
        "2021-05-12",
        "规定失信信息的公示期限、最短公示期和信用修复的条件与程序。",
        "Sets publicity periods of untrustworthy information, the minimum period before repair "
        "and the conditions and procedure of credit repair.",
        "https://www.ndrc.gov.cn/yjzxDownload/fj120210512.pdf",
    ),
    (
        "全国公共信用信息基础目录（2021年版）",
        "National Basic Catalogue of Public Credit Information (2021 edition)",
        "国家发展改革委、人民银行、社会信用体系建设部际联席会议",
        "National Development and Reform Commission; People's Bank of China; "
        "Inter-Ministerial Joint Conference on Social Credit System Construction",
        "national",
        "2021-12-31",
        "列明可纳入公共信用信息的事项范围。",
        "Lists the kinds of information that may be included as public credit information.",
        "https://www.ndrc.gov.cn/xwdt/tzgg/202112/P020211231396828288425.pdf",
    ),
    (
        "全国失信惩戒措施基础清单（2021年版）",
        "National Basic List of Disciplinary Measures for Untrustworthiness (2021 edition)",
        "国家发展改革委、人民银行、社会信用体系建设部际联席会议",
        "National Development and Reform Commission; People's Bank of China; "
        "Inter-Ministerial Joint Conference on Social Credit System Construction",
        "national",
        "2022-01-01",
        "三类14项失信惩戒措施，惩戒只能在清单范围内实施。",
        "14 disciplinary measures in 3 categories; no punishment outside the list.",
        "https://www.ndrc.gov.cn/xxgk/zcfb/ghxwj/202112/P020211231393058370544.pdf",
    ),
    (
        "商务部“双随机、一公开”实施细则（试行）",
        "Detailed Implementation Rules of the Ministry of Commerce for “Two Randoms, One Public” "
        "(trial)",
        "商务部办公厅",
        "General Office of the Ministry of Commerce",
        "national",
        "2018-08-16",
        "随机抽取检查对象、随机选派执法检查人员，抽查情况及查处结果及时向社会公开。",
        "Random selection of inspection objects and of inspectors; results published promptly.",
        "http://www.gov.cn/zhengce/zhengceku/2018-12/31/content_5438343.htm",
    ),
    (
        "浙江省公共信用信息管理条例",
        "Zhejiang Provincial Regulations on the Administration of Public Credit Information",
        "浙江省人民代表大会常务委员会",
        "Standing Committee of the Zhejiang Provincial People's Congress",
        "provincial",
        "2018-01-01",
        "规范公共信用信息的归集、披露、使用、异议和修复；不良信息保存期限为5年。",
        "Collection, disclosure, use, objection and repair of public credit information; "
        "negative information is kept for 5 years.",
        "https://fzggw.zj.gov.cn/art/2021/8/24/art_1229561684_2327360.html",
    ),
    (
        "浙江省信用服务机构管理暂行办法",
        "Interim Measures for the Administration of Credit Service Agencies in Zhejiang Province",
        "浙江省发展改革委",
        "Zhejiang Provincial Development and Reform Commission",
        "provincial",
        "2021-04-20",
        "信用服务机构的备案、业务规范与监督管理。",
        "Registration, conduct and supervision of credit service agencies.",
        "https://credit.shaanxi.gov.cn/318/94521.html",
    ),
    (
        "杭州市社会信用条例",
        "Hangzhou Social Credit Regulations",
        "杭州市人民代表大会常务委员会",
        "Standing Committee of the Hangzhou People's Congress",
        "municipal",
        "2022-03-07",
        "杭州市社会信用体系建设的地方性法规。",
        "Hangzhou's local regulation on building the social credit system.",
        "http://credit.zj.gov.cn/art/2022/6/21/art_1229636804_2408586.html",
    ),
]


def seed_policies(apps, schema_editor):
    Policy = apps.get_model("enterprises", "Policy")
    for title_zh, title_en, issuer_zh, issuer_en, level, day, sum_zh, sum_en, url in POLICIES:
        Policy.objects.get_or_create(
            title_zh=title_zh,
            defaults={
                "title_en": title_en,
                "issuer_zh": issuer_zh,
                "issuer_en": issuer_en,
                "level": level,
                "issued_on": day,
                "summary_zh": sum_zh,
                "summary_en": sum_en,
                "url": url,
            },
        )


# Substring search (``contains`` → LIKE '%…%') on names and pinyin keys: trigram GIN
# indexes serve 3+ characters on PostgreSQL. Names need a UTF-8 LC_CTYPE database
# (DESIGN), else pg_trgm yields no trigrams for Chinese and the index is unused.
TRIGRAM_INDEXES = [
    ("subject_name_trgm_idx", "enterprises_subject", "name"),
    ("subject_pinyin_trgm_idx", "enterprises_subject", "search_pinyin"),
    ("subject_initials_trgm_idx", "enterprises_subject", "search_initials"),
    ("former_name_trgm_idx", "enterprises_formername", "name"),
]


def trigram_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    from django.db import transaction

    try:
        with transaction.atomic(using=connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 - no right to create the extension: search still works
        return
    for name, table, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0004_evaluation")]

    operations = [
        migrations.AddField(
            model_name="subject",
            name="search_initials",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="pinyin initials of the names"
            ),
        ),
        migrations.AddField(
            model_name="subject",
            name="search_pinyin",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="pinyin of the names"
            ),
        ),
        migrations.CreateModel(
            name="Policy",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title_zh", models.CharField(max_length=300, verbose_name="title (Chinese)")),
                ("title_en", models.CharField(blank=True, max_length=400, verbose_name="title (English)")),
                ("issuer_zh", models.CharField(max_length=300, verbose_name="issuer (Chinese)")),
                ("issuer_en", models.CharField(blank=True, max_length=400, verbose_name="issuer (English)")),
                ("level", models.CharField(choices=[("national", "National"), ("provincial", "Provincial"), ("municipal", "Municipal")], max_length=12, verbose_name="level")),
                ("issued_on", models.DateField(blank=True, help_text="Date of issue or publication.", null=True, verbose_name="date")),
                ("summary_zh", models.TextField(blank=True, verbose_name="summary (Chinese)")),
                ("summary_en", models.TextField(blank=True, verbose_name="summary (English)")),
                ("url", models.URLField(blank=True, max_length=500, verbose_name="link")),
                ("is_published", models.BooleanField(default=True, verbose_name="published")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="created at")),
            ],
            options={
                "verbose_name": "policy document",
                "verbose_name_plural": "policy documents",
                "ordering": ["-issued_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="ReportIssue",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.CharField(max_length=32, unique=True, verbose_name="report number")),
                ("code", models.CharField(max_length=32, unique=True, verbose_name="verification code")),
                ("generated_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="generated at")),
                ("content_hash", models.CharField(blank=True, editable=False, max_length=64, verbose_name="SHA-256 of the PDF file")),
                ("record_count", models.PositiveIntegerField(default=0, verbose_name="records included")),
                ("score", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="score")),
                ("grade", models.CharField(blank=True, max_length=2, verbose_name="grade")),
                ("language", models.CharField(blank=True, max_length=10, verbose_name="language")),
                ("subject", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="reports", to="enterprises.subject", verbose_name="subject")),
            ],
            options={
                "verbose_name": "issued credit report",
                "verbose_name_plural": "issued credit reports",
                "ordering": ["-generated_at"],
            },
        ),
        migrations.CreateModel(
            name="CreditCommitment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("commitment_type", models.CharField(choices=[("approval_substitute", "Approval substitute"), ("credit_repair", "Credit repair"), ("industry_self_discipline", "Industry self-discipline"), ("voluntary", "Voluntary"), ("tax_declaration", "Tax declaration")], max_length=30, verbose_name="commitment type")),
                ("reason", models.CharField(max_length=300, verbose_name="reason for the commitment")),
                ("committed_on", models.DateField(verbose_name="date of the commitment")),
                ("content", models.TextField(verbose_name="content of the commitment")),
                ("promised_by", models.DateField(blank=True, help_text="By when the missing materials or obligations are promised.", null=True, verbose_name="promised deadline")),
                ("state", models.CharField(choices=[("pending", "Pending"), ("fulfilled", "Fulfilled"), ("unfulfilled", "Not fulfilled")], default="pending", max_length=12, verbose_name="state")),
                ("disclosure", models.CharField(choices=[("public", "Fully public"), ("partial", "Partly public (subject and officials only)"), ("government", "Government only")], default="public", max_length=12, verbose_name="disclosure level")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="created at")),
                ("accepting_unit", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="commitments", to="enterprises.department", verbose_name="accepting unit")),
                ("subject", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="commitments", to="enterprises.subject", verbose_name="committing subject")),
            ],
            options={
                "verbose_name": "credit commitment",
                "verbose_name_plural": "credit commitments",
                "ordering": ["-committed_on", "-id"],
                "indexes": [
                    models.Index(fields=["-committed_on", "-id"], name="commitment_date_idx"),
                    models.Index(fields=["accepting_unit", "-committed_on"], name="commitment_unit_date_idx"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("promised_by__isnull", True), ("promised_by__gte", models.F("committed_on")), _connector="OR"),
                        name="commitment_deadline_after_date",
                    )
                ],
            },
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(seed_policies, migrations.RunPython.noop),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
