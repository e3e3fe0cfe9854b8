"""The indicator catalogue and evaluations; loads Zhejiang's 2020 corporate catalogue.

Data: thesis Annex 2, 浙江省五类主体公共信用评价指引（2020 版）, 企业公共信用评价指标.
The rule defaults are explained one by one in docs/scoring.md. The data is written
out here (not imported from app code) so that this migration means the same thing
whatever the code becomes later.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

SOURCE = (
    "浙江省发展和改革委员会《浙江省五类主体公共信用评价指引（2020版）》"
    "（2020-08-04），企业公共信用评价指标；thesis Annex 2."
)

# (code, name_zh, name_en, weight)
PRIMARY = [
    ("1", "基本情况", "Basic situation", 80),
    ("2", "金融财税", "Finance and taxation", 195),
    ("3", "管治能力", "Governance", 90),
    ("4", "遵纪守法", "Compliance with the law", 450),
    ("5", "社会责任", "Social responsibility", 185),
]
SECONDARY = [
    ("1.1", "主要人员信息", "Key personnel", 40),
    ("1.2", "经营信息", "Operations", 40),
    ("2.1", "金融信息", "Finance", 135),
    ("2.2", "税费信息", "Taxes and fees", 60),
    ("3.1", "产品质量信息", "Product quality", 30),
    ("3.2", "安全生产信息", "Production safety", 30),
    ("3.3", "环境保护信息", "Environmental protection", 30),
    ("4.1", "行政管理信息", "Administrative management", 200),
    ("4.2", "司法处理信息", "Judicial handling", 130),
    ("4.3", "严重失信信息", "Serious untrustworthiness", 120),
    ("5.1", "公益慈善信息", "Charity and public welfare", 65),
    ("5.2", "守信激励信息", "Incentives for trustworthiness", 120),
]
COURTS = ("法院系统、有关部门", "Court system, relevant departments")
RELEVANT = ("有关部门", "Relevant departments")
TAX = ("税务部门", "Tax department")
# (code, name_zh, name_en, weight, description_zh, description_en, sources, kinds)
TERTIARY = [
    ("1.1.1", "主要人员严重失信信息", "Key personnel on serious lists", 20,
     "法定代表人、董监高、实际控制人等主要人员列入严重失信名单等信息",
     "Legal representative, directors, supervisors, senior managers, actual controllers "
     "and other key personnel included in lists of the seriously untrustworthy",
     ("有关部门、法院系统", "Relevant departments, court system"), ["key_person_listed"]),
    ("1.1.2", "主要人员未履行生效裁判信息", "Key personnel: unperformed judgements", 20,
     "法定代表人、董监高、实际控制人等主要人员未履行生效裁判信息",
     "Key personnel have not performed effective court decisions",
     ("法院系统、有关部门", "Court system, relevant departments"), ["key_person_judgement"]),
    ("1.2.1", "经营异常信息", "Abnormal operations", 20,
     "列入经营异常名录信息", "Included in the list of abnormal operations",
     ("市场监管部门", "Market supervision department"), ["abnormal_operation"]),
    ("1.2.2", "非正常户信息", "Abnormal tax accounts", 20,
     "被认定为非正常户信息", "Identified as an abnormal tax account",
     TAX, ["abnormal_tax_account"]),
    ("2.1.1", "融资未履行生效裁判信息", "Unperformed financing judgements", 50,
     "有无与融资信贷领域相关的未履行生效裁判信息",
     "Unperformed effective judgements related to financing and credit",
     COURTS, ["finance_judgement_unperformed"]),
    ("2.1.2", "融资刑事犯罪信息", "Financial criminal offences", 60,
     "有无与融资信贷领域相关的刑事犯罪记录信息",
     "Criminal records related to financing and credit", COURTS, ["finance_criminal"]),
    ("2.1.3", "金融逃废债信息", "Financial debt evasion", 15,
     "金融逃废债信息", "Evasion of financial debts",
     ("金融部门", "Financial departments"), ["debt_evasion"]),
    ("2.1.4", "存量权益登记信息", "Outbound investment stock registration", 10,
     "未按规定参加境外直接投资存量权益登记信息",
     "Failure to register the stock of outbound direct investment as required",
     ("人行部门", "People's Bank of China"), ["outbound_investment_unregistered"]),
    ("2.2.1", "社保缴纳信息", "Social-insurance payment", 30,
     "社保费用欠缴信息", "Social-insurance contributions in arrears",
     TAX, ["social_insurance_arrears"]),
    ("2.2.2", "税收缴纳信息", "Tax payment", 30,
     "税收欠缴信息", "Taxes in arrears", TAX, ["tax_arrears"]),
    ("3.1.1", "监督抽查信息", "Supervision spot checks", 30,
     "工程质量、产品（食品）等监督抽查结果信息",
     "Results of supervisory spot checks of works and products (food)",
     ("住房城乡建设、市场监管、海关等部门",
      "Housing and urban-rural development, market regulation, customs and other departments"),
     ["quality_spot_check"]),
    ("3.2.1", "安全生产事故和隐患信息", "Production-safety accidents and hazards", 30,
     "安全生产事故、安全生产监督检查情况、重大火灾隐患等信息",
     "Production-safety accidents, safety inspections, major fire hazards",
     ("应急管理、住房城乡建设、消防等部门",
      "Emergency management, housing and urban-rural development, fire services and other "
      "departments"),
     ["safety_accident"]),
    ("3.3.1", "突发环境事件信息", "Environmental emergencies", 30,
     "突发性环境污染事件和辐射污染事件信息",
     "Sudden environmental pollution and radiation pollution incidents",
     ("生态环境部门", "Ecology and environment department"), ["environmental_incident"]),
    ("4.1.1", "行政处罚信息", "Administrative penalties", 90,
     "行政处罚信息", "Administrative penalties", RELEVANT, ["penalty"]),
    ("4.1.2", "行政强制信息", "Administrative enforcement", 60,
     "行政强制信息", "Administrative enforcement measures", RELEVANT, ["enforcement"]),
    ("4.1.3", "行政事项承诺信息", "Unfulfilled commitments on administrative matters", 20,
     "在行政事项办理过程中作出信用承诺但未履行的信息",
     "Credit commitments made in administrative matters and not fulfilled",
     RELEVANT, ["commitment_unfulfilled"]),
    ("4.1.4", "其他行政认定不良信息", "Other administratively identified bad conduct", 30,
     "不构成行政处罚，但经部门认定的其他不良行为信息",
     "Other bad conduct identified by a department that is not an administrative penalty",
     RELEVANT, ["other_bad_conduct"]),
    ("4.2.1", "其他未履行生效裁判信息", "Other unperformed judgements", 50,
     "除失信被执行人和融资领域外，单位未履行生效裁判的信息",
     "Unperformed effective judgements other than judgement defaulters and financing",
     COURTS, ["judgement_unperformed"]),
    ("4.2.2", "其他刑事犯罪信息", "Other criminal offences", 60,
     "除融资领域外，违反刑法规定构成犯罪的信息",
     "Criminal offences other than in financing", COURTS, ["criminal"]),
    ("4.2.3", "虚假诉讼信息", "False litigation", 20,
     "被法院认定的且未构成犯罪的虚假诉讼信息",
     "False litigation established by a court that is not a crime",
     ("法院系统", "Court system"), ["false_litigation"]),
    # Annex 2 prints "120" in the Chinese source column (a typesetting slip); the English
    # table names the court system and relevant departments.
    ("4.3.1", "严重失信信息", "Serious untrustworthiness lists", 120,
     "严重失信名单信息", "Included in a list of the seriously untrustworthy",
     COURTS, []),
    ("5.1.1", "志愿服务信息", "Volunteering", 30,
     "参加志愿服务信息", "Participation in volunteer work",
     ("省委宣传部（省文明办）、团省委",
      "Provincial Party Committee Propaganda Department (Civilization Office), Provincial "
      "Youth League Committee"),
     ["volunteering"]),
    ("5.1.2", "慈善捐赠信息", "Charitable donations", 35,
     "慈善捐赠信息", "Charitable donations",
     ("省红十字会、民政部门", "Provincial Red Cross, civil affairs departments"), ["donation"]),
    ("5.2.1", "红名单信息", "Red lists", 60,
     "列入红名单信息", "Included in a red list", RELEVANT, []),
    ("5.2.2", "荣誉奖励信息", "Honours and awards", 60,
     "县级及以上人民政府或政府部门颁发的荣誉奖励信息",
     "Honours and awards from people's governments or their departments at county level "
     "and above",
     RELEVANT, ["honour"]),
]

# Per-record points of the social-responsibility indicators (docs/scoring.md §3).
ADDS_POINTS = {"5.1.1": 15, "5.1.2": 18, "5.2.1": 40, "5.2.2": 40}


def _percent(weight, percent):
    return (weight * percent + 50) // 100  # rounded half up


def load_catalogue(apps, schema_editor):
    Edition = apps.get_model("enterprises", "Edition")
    Indicator = apps.get_model("enterprises", "Indicator")
    IndicatorRule = apps.get_model("enterprises", "IndicatorRule")
    edition, _ = Edition.objects.get_or_create(
        code="zj-corporate-2020",
        defaults={
            "jurisdiction": "zhejiang",
            "name_zh": "浙江省企业公共信用评价指标（2020版）",
            "name_en": "Zhejiang corporate public credit evaluation (2020 edition)",
            "source": SOURCE,
            "status": "active",
            "activated_at": django.utils.timezone.now(),
        },
    )
    if Indicator.objects.filter(edition=edition).exists():
        return
    by_code = {}
    position = 0
    for code, name_zh, name_en, weight in PRIMARY + SECONDARY:
        position += 1
        level = 1 if "." not in code else 2
        by_code[code] = Indicator.objects.create(
            edition=edition,
            parent=by_code.get(code.rpartition(".")[0]) if level == 2 else None,
            level=level,
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            weight=weight,
            data_sources_zh="",
            data_sources_en="",
            adds=code.startswith("5"),
            position=position,
        )
    for code, name_zh, name_en, weight, desc_zh, desc_en, (src_zh, src_en), kinds in TERTIARY:
        position += 1
        adds = code.startswith("5")
        indicator = Indicator.objects.create(
            edition=edition,
            parent=by_code[code.rpartition(".")[0]],
            level=3,
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            description_zh=desc_zh,
            description_en=desc_en,
            weight=weight,
            data_sources_zh=src_zh,
            data_sources_en=src_en,
            adds=adds,
            position=position,
        )
        if adds:
            rule = {
                "points_unrated": ADDS_POINTS[code],
                "repeat_percent": 50,
                "full_years": None,
                "aged_percent": 100,
                "max_years": 5,
            }
        else:
            rule = {
                "points_minor": _percent(weight, 10),
                "points_general": _percent(weight, 20),
                "points_serious": _percent(weight, 50),
                "repeat_percent": 100,
                "full_years": 3,
                "aged_percent": 50,
                "max_years": None,
            }
        IndicatorRule.objects.create(
            indicator=indicator,
            record_kinds=kinds,
            tax_credit_levels=["A"] if code == "5.2.1" else [],
            list_color={"4.3.1": "black", "5.2.1": "red"}.get(code, ""),
            reasoning="docs/scoring.md",
            **rule,
        )


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_record_indexes_validators")]

    operations = [
        migrations.CreateModel(
            name='Edition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, unique=True, verbose_name='code')),
                ('jurisdiction', models.CharField(default='zhejiang', max_length=40, verbose_name='jurisdiction')),
                ('name_zh', models.CharField(max_length=200, verbose_name='name (Chinese)')),
                ('name_en', models.CharField(max_length=200, verbose_name='name (English)')),
                ('source', models.TextField(blank=True, help_text='The official text it follows.', verbose_name='source')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('active', 'Active'), ('retired', 'Retired')], default='draft', max_length=10, verbose_name='status')),
                ('activated_at', models.DateTimeField(blank=True, null=True, verbose_name='activated at')),
                ('total', models.PositiveIntegerField(default=1000, verbose_name='total points')),
                ('grade_a_min', models.PositiveIntegerField(default=850, verbose_name='lowest score of grade A')),
                ('grade_b_min', models.PositiveIntegerField(default=800, verbose_name='lowest score of grade B')),
                ('grade_c_min', models.PositiveIntegerField(default=750, verbose_name='lowest score of grade C')),
                ('grade_d_min', models.PositiveIntegerField(default=700, verbose_name='lowest score of grade D')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created at')),
            ],
            options={
                'verbose_name': 'evaluation catalogue edition',
                'verbose_name_plural': 'evaluation catalogue editions',
                'ordering': ['jurisdiction', '-created_at'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'active')), fields=('jurisdiction',), name='edition_one_active_per_jurisdiction'), models.CheckConstraint(condition=models.Q(('grade_a_min__gt', models.F('grade_b_min')), ('grade_b_min__gt', models.F('grade_c_min')), ('grade_c_min__gt', models.F('grade_d_min'))), name='edition_grade_floors_descending')],
            },
        ),
        migrations.CreateModel(
            name='Indicator',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.PositiveSmallIntegerField(choices=[(1, 'Primary'), (2, 'Secondary'), (3, 'Tertiary')], verbose_name='level')),
                ('code', models.CharField(max_length=12, verbose_name='code')),
                ('name_zh', models.CharField(max_length=100, verbose_name='name (Chinese)')),
                ('name_en', models.CharField(max_length=200, verbose_name='name (English)')),
                ('description_zh', models.TextField(blank=True, verbose_name='explanation (Chinese)')),
                ('description_en', models.TextField(blank=True, verbose_name='explanation (English)')),
                ('weight', models.PositiveIntegerField(verbose_name='weight')),
                ('data_sources_zh', models.CharField(max_length=200, verbose_name='data-source departments (Chinese)')),
                ('data_sources_en', models.CharField(max_length=300, verbose_name='data-source departments (English)')),
                ('adds', models.BooleanField(default=False, help_text='Social responsibility adds for good behaviour; the others deduct.', verbose_name='adds points')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                ('edition', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='indicators', to='enterprises.edition', verbose_name='edition')),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='children', to='enterprises.indicator', verbose_name='parent')),
            ],
            options={
                'verbose_name': 'indicator',
                'verbose_name_plural': 'indicators',
                'ordering': ['edition', 'position', 'code'],
                'constraints': [models.UniqueConstraint(fields=('edition', 'code'), name='indicator_code_unique')],
            },
        ),
        migrations.CreateModel(
            name='IndicatorRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('record_kinds', models.JSONField(blank=True, default=list, help_text='Record kinds that count here.', verbose_name='record kinds')),
                ('tax_credit_levels', models.JSONField(blank=True, default=list, help_text='Tax credit ratings at these levels count here (Class A taxpayers).', verbose_name='tax credit levels')),
                ('list_color', models.CharField(blank=True, choices=[('red', 'Red lists'), ('black', 'Black lists')], help_text='Active entries on lists of this colour count here.', max_length=5, verbose_name='list entries')),
                ('points_minor', models.PositiveIntegerField(default=0, verbose_name='points per minor record')),
                ('points_general', models.PositiveIntegerField(default=0, verbose_name='points per general record')),
                ('points_serious', models.PositiveIntegerField(default=0, help_text='Also used for black-list entries, which are serious by definition.', verbose_name='points per serious record')),
                ('points_unrated', models.PositiveIntegerField(default=0, help_text='Trust-keeping records and red-list entries.', verbose_name='points per record without severity')),
                ('repeat_percent', models.PositiveSmallIntegerField(default=100, validators=[django.core.validators.MaxValueValidator(100)], verbose_name='further records count at (%)')),
                ('full_years', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='counts in full for (years)')),
                ('aged_percent', models.PositiveSmallIntegerField(default=100, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='then counts at (%)')),
                ('max_years', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='stops counting after (years)')),
                ('reasoning', models.TextField(blank=True, verbose_name='reasoning')),
                ('indicator', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='rule', to='enterprises.indicator', verbose_name='indicator')),
            ],
            options={
                'verbose_name': 'indicator rule',
                'verbose_name_plural': 'indicator rules',
            },
        ),
        migrations.CreateModel(
            name='Evaluation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('score', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1000)], verbose_name='score')),
                ('grade', models.CharField(choices=[('A', 'Excellent'), ('B', 'Good'), ('C', 'Average'), ('D', 'Fairly poor'), ('E', 'Poor')], max_length=1, verbose_name='grade')),
                ('evaluated_at', models.DateTimeField(verbose_name='evaluated at')),
                ('evaluated_on', models.DateField(verbose_name='evaluation date')),
                ('breakdown', models.JSONField(blank=True, default=dict, help_text='Points per tertiary indicator.', verbose_name='breakdown')),
                ('edition', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='enterprises.edition', verbose_name='edition')),
                ('subject', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='evaluation', to='enterprises.subject', verbose_name='subject')),
            ],
            options={
                'verbose_name': 'evaluation',
                'verbose_name_plural': 'evaluations',
                'indexes': [models.Index(fields=['grade'], name='evaluation_grade_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('score__lte', 1000)), name='evaluation_score_range')],
            },
        ),
        migrations.CreateModel(
            name='ScoreHistory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('score', models.PositiveSmallIntegerField(verbose_name='score')),
                ('grade', models.CharField(choices=[('A', 'Excellent'), ('B', 'Good'), ('C', 'Average'), ('D', 'Fairly poor'), ('E', 'Poor')], max_length=1, verbose_name='grade')),
                ('at', models.DateTimeField(verbose_name='at')),
                ('edition', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='enterprises.edition', verbose_name='edition')),
                ('subject', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='score_history', to='enterprises.subject', verbose_name='subject')),
            ],
            options={
                'verbose_name': 'score history',
                'verbose_name_plural': 'score history',
                'ordering': ['subject', 'at', 'id'],
                'indexes': [models.Index(fields=['subject', 'at'], name='scorehistory_subject_at_idx')],
            },
        ),
        migrations.RunPython(load_catalogue, migrations.RunPython.noop),
    ]
