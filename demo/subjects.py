"""Deterministic demo data for ``manage.py seed_demo`` (and, later, the province-scale load).

Everything random comes from two ``random.Random`` streams seeded by the seed, one for
subjects and one for their records: never the global generator, never ``uuid4`` or the
clock. Given the same number of enterprises, seed and as-of date the generators yield
the same subjects, codes and records in the same order. The as-of date (default: today
in Asia/Shanghai) anchors "the last six years" of decisions and decides which records
have already left publicity; every date draw takes exactly one random number, so the
subjects (names, codes, people) of a seed are the same whatever the as-of date.

The generators (:func:`generate`) are pure: no database, rows as plain dicts keyed by
model attribute name, one subject at a time, with memory bounded by small counters
(never a set of every name or code issued). Uniqueness is by construction:

* USCC organisation bodies are an affine permutation of a running index, so no two
  subjects of a run share one;
* an enterprise name is prefix + 2-character brand + industry word + form, and the
  brand is the k-th element of a permutation of the brand list of its (prefix, word)
  bucket; when a bucket is exhausted a one-character marker is put before the brand;
* document numbers are "prefix + serial + tail" with one serial counter per
  (department, prefix).

:func:`demo_seed` writes the rows in bulk (one transaction per batch, one audit row per
run, a job-run row updated per batch); :func:`demo_officials_ensure` creates the demo
officials of the admin.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from math import gcd
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from core.actors import Actor
from core.audit import audit_append
from core.exceptions import DomainError
from core.roles import GROUP_CREDIT_CENTRE_REVIEWER, GROUP_DEPARTMENT_OFFICER, ensure_roles
from enterprises.models import (
    PERMANENT_PENALTIES,
    CreditRecord,
    Department,
    Disclosure,
    FormerName,
    JobRun,
    OfficialProfile,
    PenaltyType,
    RecordState,
    Severity,
    Subject,
)
from enterprises.pinyin import search_keys
from enterprises.reference import REGIONS
from enterprises.uscc import ALPHABET, build_uscc
from rules.kinds import RecordKind

from .commitments import demo_commitments

SHANGHAI = ZoneInfo("Asia/Shanghai")
K = RecordKind
ST = Subject.SubjectType
RS = Subject.RegistrationStatus
PT = PenaltyType

# Share of other subject types per enterprise, and natural persons: "a handful".
SOCIAL_ORGANISATION_SHARE = 0.02
PUBLIC_INSTITUTION_SHARE = 0.015
# Every record kind shows up in a small demo: enterprise number STRIDE*i+OFFSET gets one
# record of the i-th kind, so any N >= STRIDE * len(RecordKind) covers all of them.
SHOWCASE_STRIDE = 7
SHOWCASE_OFFSET = 3


def plan(enterprises: int) -> dict[str, int]:
    """How many subjects of each type a run with ``enterprises`` enterprises creates."""
    return {
        ST.ENTERPRISE: enterprises,
        ST.SOCIAL_ORGANISATION: round(enterprises * SOCIAL_ORGANISATION_SHARE),
        ST.PUBLIC_INSTITUTION: round(enterprises * PUBLIC_INSTITUTION_SHARE),
        ST.NATURAL_PERSON: enterprises // 1000 + 3 if enterprises else 0,
    }


# --- Data tables ---------------------------------------------------------------------------
# Word lists are space-separated strings so the tables stay compact under the formatter.


def _words(*text: str) -> tuple[str, ...]:
    return tuple(" ".join(text).split())


def _weighted_words(*text: str) -> tuple[tuple[str, float], ...]:
    """ "陈:75 王:60" → (("陈", 75.0), ("王", 60.0))."""
    pairs = (item.split(":") for item in _words(*text))
    return tuple((word, float(weight)) for word, weight in pairs)


# --- Geography


@dataclass(frozen=True)
class City:
    code: str
    name: str  # 杭州市
    short: str  # 杭州
    abbr: str  # 杭, as in 杭市监处罚〔2024〕12号
    weight: float  # share of the province's enterprises, roughly
    brands: tuple[str, ...]  # local brand words (西子, 钱塘 …)
    roads: tuple[str, ...]
    counties: tuple[tuple[str, str], ...] = ()  # (code, name)


# code: (abbreviation, weight, "local brand words | local roads")
_CITY_TRAITS = {
    "330100": (
        "杭",
        25.0,
        "西子 钱塘 之江 西湖 武林 湖畔 运河 良渚 | 文三路 天目山路 江南大道 莫干山路",
    ),
    "330200": ("甬", 17.0, "甬兴 四明 天一 甬港 东钱 三江 | 中山东路 天童南路 明州路 通途路"),
    "330300": ("温", 13.0, "瓯江 鹿城 雁荡 瓯越 江心 东瓯 | 车站大道 人民东路 锦绣路 瓯海大道"),
    "330400": ("嘉", 7.0, "禾兴 南湖 秀洲 嘉禾 | 中环南路 海盐塘路 文昌路"),
    "330500": ("湖", 5.0, "苕溪 太湖 南浔 湖笔 | 青铜路 凤凰路 仁皇山路"),
    "330600": ("绍", 8.0, "越州 兰亭 鉴湖 会稽 | 解放北路 中兴中路 越东路"),
    "330700": ("金", 11.0, "婺州 双龙 八咏 金婺 | 李渔路 宾虹路 稠州北路"),
    "330800": ("衢", 2.0, "三衢 烂柯 信安 | 三衢路 荷花中路 世纪大道"),
    "330900": ("舟", 1.5, "普陀 海天 定海 东海 | 临城大道 海天大道 昌国路"),
    "331000": ("台", 8.0, "天台 椒江 台运 灵江 | 市府大道 东环大道 中山路"),
    "331100": ("丽", 2.5, "处州 括苍 莲都 秀山 | 丽阳街 人民街 解放街"),
}


def _build_cities() -> tuple[City, ...]:
    counties: dict[str, list[tuple[str, str]]] = {}
    names: dict[str, str] = {}
    for code, name_zh, _en, level, parent in REGIONS:
        if level == "city":
            names[code] = name_zh
        elif level == "county" and parent is not None:
            counties.setdefault(parent, []).append((code, name_zh))
    cities = []
    for code, (abbr, weight, traits) in _CITY_TRAITS.items():
        brands, roads = traits.split("|")
        cities.append(
            City(
                code=code,
                name=names[code],
                short=names[code].removesuffix("市"),
                abbr=abbr,
                weight=weight,
                brands=_words(brands),
                roads=_words(roads),
                counties=tuple(counties[code]),
            )
        )
    return tuple(cities)


CITIES = _build_cities()
COUNTY_CODES = tuple(code for city in CITIES for code, _name in city.counties)
CITY_MARKET_REGULATORS = {"330100": "hz-amr", "330200": "nb-amr", "330300": "wz-amr"}
ROADS = _words(
    "人民路 解放路 中山路 建设路 文化路 环城东路 环城西路 科技大道 创业路 工业大道",
    "新华路 兴业路 振兴路 和平路 东风路 青年路 府前路 滨江路 学院路 迎宾大道 开发大道",
    "园区路 世纪大道 长安路",
)


def _county_label(name: str) -> str:
    """The county part of an address; "湖州市市辖区" is not written in addresses."""
    return "" if name.endswith("市辖区") else name


def _is_county_city(name: str) -> bool:
    return name.endswith("市") and not name.endswith("市辖区")


# --- People: surnames weighted roughly by their frequency in Zhejiang

_SURNAMES = _weighted_words(
    "陈:75 王:60 张:45 李:40 吴:35 徐:30 周:30 林:28 金:25 胡:25 杨:22 朱:22 沈:20",
    "黄:20 叶:20 刘:20 郑:18 方:15 应:12 孙:12 何:12 蒋:11 楼:10 钱:10 潘:10 俞:10",
    "余:10 赵:10 许:10 汪:9 马:8 姚:8 邵:7 章:7 洪:6 傅:6 蔡:6 卢:6 郭:6 高:6 丁:5",
    "袁:5 程:5 谢:5 董:5 范:5 毛:5 梁:4 魏:4 屠:3 诸葛:0.5 欧阳:0.5",
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华建国忠文斌辉峰红玲燕萍波飞"
    "鹏宇浩凯俊健晨欣怡婷雪琳佳宁林海江荣新春晓志永东振家德成立锋昊睿轩子梓涵"
    "思雨一嘉诗博彬瑞航晶颖慧倩璐蕾若天正耀祥福根宝月云亮毅鑫"
)


# --- Licences and qualifications


@dataclass(frozen=True)
class LicenceTemplate:
    dept: str  # department code, or "amr" for the market regulator of the subject's city
    title: str
    number: str  # document-number prefix: {a} city abbr., {d} division, {y} year …
    basis: str
    content: str
    years: int | None  # validity in years (None: no end)
    width: int = 4  # zero-padded serial
    tail: str = ""  # after the serial
    kind: str = K.LICENCE


LIC_FOOD = LicenceTemplate(
    dept="amr",
    title="食品经营许可证",
    number="JY1{d}",
    width=7,
    basis="《中华人民共和国食品安全法》第三十五条",
    content="经营项目：预包装食品销售（含冷藏冷冻食品）；散装食品销售；热食类食品制售。",
    years=5,
)
LIC_PRODUCTION = LicenceTemplate(
    dept="amr",
    title="全国工业产品生产许可证",
    number="浙XK{y}-",
    width=5,
    basis="《中华人民共和国工业产品生产许可证管理条例》第二条",
    content="许可范围：电线电缆、危险化学品包装物及容器等列入目录的工业产品。",
    years=5,
)
LIC_POLLUTANT = LicenceTemplate(
    dept="zj-eco",
    title="排污许可证",
    number="ZJ{d}PW{y}",
    width=5,
    tail="V",
    basis="《排污许可管理条例》第十一条",
    content="排污种类：废水、废气；执行排放标准按许可证副本载明的要求。",
    years=5,
)
LIC_SAFETY = LicenceTemplate(
    dept="zj-emergency",
    title="安全生产许可证",
    number="（浙）FM安许证字〔{y}〕",
    basis="《安全生产许可证条例》第二条",
    content="许可范围：生产、储存过程的安全生产条件符合要求。",
    years=3,
)
LIC_HAZCHEM = LicenceTemplate(
    dept="zj-emergency",
    title="危险化学品经营许可证",
    number="浙{a}安经字〔{y}〕",
    width=6,
    basis="《危险化学品安全管理条例》第三十三条",
    content="许可范围：不带储存设施经营危险化学品。",
    years=3,
)
LIC_ROAD = LicenceTemplate(
    dept="zj-transport",
    title="道路运输经营许可证",
    number="浙交运管许可{a}字",
    width=6,
    tail="号",
    basis="《中华人民共和国道路运输条例》第二十四条",
    content="经营范围：道路普通货物运输；货物专用运输（集装箱）。",
    years=4,
)
LIC_PORT = LicenceTemplate(
    dept="zj-transport",
    title="港口经营许可证",
    number="（浙{a}）港经证（",
    tail="）号",
    basis="《中华人民共和国港口法》第二十二条",
    content="经营范围：为船舶提供码头设施；货物装卸、仓储服务。",
    years=3,
)
LIC_TRAVEL = LicenceTemplate(
    dept="zj-culture",
    title="旅行社业务经营许可证",
    number="L-ZJ",
    width=6,
    basis="《旅行社条例》第七条",
    content="经营范围：入境旅游业务、国内旅游业务。",
    years=None,
)
LIC_PERFORMANCE = LicenceTemplate(
    dept="zj-culture",
    title="营业性演出许可证",
    number="{d}12",
    width=6,
    basis="《营业性演出管理条例》第六条",
    content="经营范围：演出经纪、演出组织、演出制作。",
    years=2,
)
LIC_NETCULTURE = LicenceTemplate(
    dept="zj-culture",
    title="网络文化经营许可证",
    number="浙网文〔{y}〕",
    tail="号",
    basis="《互联网文化管理暂行规定》第八条",
    content="经营范围：利用信息网络经营音乐娱乐产品、动漫产品。",
    years=3,
)
LIC_LABOUR = LicenceTemplate(
    dept="zj-hrss",
    title="劳务派遣经营许可证",
    number="{d}{y}",
    basis="《中华人民共和国劳动合同法》第五十七条",
    content="经营范围：劳务派遣业务。",
    years=3,
)
LIC_HR = LicenceTemplate(
    dept="zj-hrss",
    title="人力资源服务许可证",
    number="浙人服证字〔{y}〕第",
    tail="号",
    basis="《人力资源市场暂行条例》第十八条",
    content="服务范围：职业介绍、人力资源供求信息的收集和发布。",
    years=5,
)
LIC_FIRE = LicenceTemplate(
    dept="zj-fire",
    title="公众聚集场所投入使用、营业前消防安全检查合格证",
    number="{a}消安检字〔{y}〕第",
    tail="号",
    basis="《中华人民共和国消防法》第十五条",
    content="检查结论：该场所符合消防安全要求，准予投入使用、营业。",
    years=None,
)
LIC_DRAINAGE = LicenceTemplate(
    dept="zj-housing",
    title="城镇污水排入排水管网许可证",
    number="浙{a}排字第{y}",
    tail="号",
    basis="《城镇排水与污水处理条例》第二十一条",
    content="排水类别：一般工业及生活污水；排放口数量：1个。",
    years=5,
)
LIC_DRUG = LicenceTemplate(
    dept="amr",
    title="药品经营许可证",
    number="浙AA{d}",
    basis="《中华人民共和国药品管理法》第五十一条",
    content="经营范围：中药饮片、中成药、化学药制剂、抗生素制剂、生化药品。",
    years=5,
)
LIC_MEDDEV = LicenceTemplate(
    dept="amr",
    title="医疗器械经营许可证",
    number="浙{a}药监械经营许{y}",
    tail="号",
    basis="《医疗器械监督管理条例》第五十二条",
    content="经营范围：第三类医疗器械（体外诊断试剂除外）。",
    years=5,
)
LIC_EQUIPMENT = LicenceTemplate(
    dept="amr",
    title="特种设备使用登记证",
    number="梯11浙{a}",
    width=5,
    basis="《中华人民共和国特种设备安全法》第三十三条",
    content="设备类别：电梯（曳引驱动乘客电梯）。",
    years=None,
)
LIC_CUSTOMS = LicenceTemplate(
    dept="hangzhou-customs",
    title="海关进出口货物收发货人备案",
    number="{d4}96",
    basis="《中华人民共和国海关报关单位备案管理规定》第三条",
    content="备案类别：进出口货物收发货人。",
    years=None,
)
LIC_LENDING = LicenceTemplate(
    dept="zj-finance",
    title="小额贷款公司经营许可",
    number="浙金管〔{y}〕",
    width=3,
    tail="号",
    basis="《浙江省地方金融条例》第十一条",
    content="经营范围：办理各项小额贷款；办理小企业发展、管理、财务咨询业务。",
    years=None,
)
LIC_BUILDING = LicenceTemplate(
    dept="zj-housing",
    title="建筑工程施工许可证",
    number="{d}{y}0",
    width=5,
    basis="《中华人民共和国建筑法》第七条",
    content="工程名称：厂房及配套用房新建工程；建设规模按许可证载明。",
    years=None,
)
LIC_PRESALE = LicenceTemplate(
    dept="zj-housing",
    title="商品房预售许可证",
    number="{a}售许字（{y}）第",
    width=3,
    tail="号",
    basis="《城市商品房预售管理办法》第六条",
    content="预售范围：住宅及配套商业用房，按许可证附件载明的楼幢。",
    years=None,
)
LIC_GAS = LicenceTemplate(
    dept="zj-housing",
    title="燃气经营许可证",
    number="浙{y}{a}",
    basis="《城镇燃气管理条例》第十五条",
    content="经营类别：管道燃气；经营区域以许可证载明为准。",
    years=3,
)
QUAL_BUILD = LicenceTemplate(
    dept="zj-housing",
    title="建筑业企业资质证书",
    number="D2{d}",
    basis="《建筑业企业资质管理规定》第三条",
    content="资质类别及等级：建筑工程施工总承包二级；市政公用工程施工总承包三级。",
    years=5,
    kind=K.QUALIFICATION,
)
QUAL_REALTY = LicenceTemplate(
    dept="zj-housing",
    title="房地产开发企业资质证书",
    number="浙房开{a}",
    basis="《房地产开发企业资质管理规定》第三条",
    content="资质等级：二级。",
    years=3,
    kind=K.QUALIFICATION,
)
QUAL_TESTING = LicenceTemplate(
    dept="amr",
    title="检验检测机构资质认定证书",
    number="{y2}11{d4}",
    basis="《检验检测机构资质认定管理办法》第二条",
    content="认定范围：环境监测、建筑材料检测等，详见证书附表。",
    years=6,
    kind=K.QUALIFICATION,
)
QUAL_DESIGN = LicenceTemplate(
    dept="zj-housing",
    title="工程设计资质证书",
    number="A2{d}",
    basis="《建设工程勘察设计资质管理规定》第三条",
    content="资质等级：建筑行业（建筑工程）乙级。",
    years=5,
    kind=K.QUALIFICATION,
)
QUAL_SAFETY = LicenceTemplate(
    dept="zj-emergency",
    title="安全生产标准化三级企业证书",
    number="浙{a}AQBⅢ{y}",
    basis="《企业安全生产标准化建设定级办法》第三条",
    content="等级：安全生产标准化三级。",
    years=3,
    kind=K.QUALIFICATION,
)
QUAL_AEO = LicenceTemplate(
    dept="hangzhou-customs",
    title="海关高级认证企业证书",
    number="AEOCN{d4}",
    width=6,
    basis="《中华人民共和国海关注册登记和备案企业信用管理办法》第十条",
    content="认证类别：高级认证企业。",
    years=None,
    kind=K.QUALIFICATION,
)


# --- Industries (GB/T 4754 sections): weight, name words, business scope, licences


@dataclass(frozen=True)
class Industry:
    code: str
    weight: float
    words: tuple[str, ...]
    scope: tuple[str, ...]
    licences: tuple[LicenceTemplate, ...]
    qualifications: tuple[LicenceTemplate, ...] = ()
    qualification_share: float = 0.03


INDUSTRIES: tuple[Industry, ...] = (
    Industry(
        "A",
        3,
        _words("农业开发 生态农业 茶业 农业科技 水产 果蔬 林业 畜牧"),
        _words(
            "谷物种植 蔬菜种植 茶叶种植 水果种植 水产养殖 家禽饲养 林木育苗 休闲观光活动",
            "农产品的生产、销售、加工、运输、贮藏及其他相关服务",
        ),
        (LIC_FOOD, LIC_POLLUTANT),
    ),
    Industry(
        "B",
        0.2,
        _words("矿业 石材 矿产 砂石"),
        _words("建筑用石开采 非金属矿物制品制造 石料加工 矿产品销售"),
        (LIC_SAFETY, LIC_POLLUTANT),
        (QUAL_SAFETY,),
        0.3,
    ),
    Industry(
        "C",
        22,
        _words(
            "机械 电子 电器 电气 纺织 服饰 鞋业 塑业 五金 汽车部件 阀门 化工 新材料 家具",
            "食品 印染 眼镜 模具 轴承 泵业 医疗器械 制药 光电 包装 工艺品 不锈钢 电机",
            "精密机械 织造 箱包 皮革 卫浴 竹木制品",
        ),
        _words(
            "通用设备制造 电子元器件制造 服装制造 鞋制造 塑料制品制造 五金产品制造",
            "汽车零部件及配件制造 阀门和旋塞研发 家具制造 模具制造 针纺织品销售",
            "货物进出口 技术进出口",
        ),
        (LIC_PRODUCTION, LIC_POLLUTANT, LIC_EQUIPMENT, LIC_DRAINAGE, LIC_CUSTOMS, LIC_SAFETY),
        (QUAL_SAFETY, QUAL_AEO),
        0.06,
    ),
    Industry(
        "D",
        0.5,
        _words("能源 热电 燃气 水务 电力 光伏科技"),
        _words(
            "发电业务、输电业务、供（配）电业务 热力生产和供应 燃气经营 自来水生产与供应",
            "太阳能发电技术服务 合同能源管理",
        ),
        (LIC_POLLUTANT, LIC_GAS, LIC_SAFETY),
    ),
    Industry(
        "E",
        5,
        _words("建设 建筑工程 装饰工程 市政工程 园林工程 钢结构 建工 幕墙工程 水电安装"),
        _words(
            "建设工程施工 住宅室内装饰装修 市政设施管理 园林绿化工程施工 土石方工程施工",
            "金属结构制造 建筑材料销售",
        ),
        (LIC_BUILDING, LIC_SAFETY),
        (QUAL_BUILD,),
        0.8,
    ),
    Industry(
        "F",
        30,
        _words(
            "贸易 商贸 进出口 电子商务 超市 医药连锁 五金机电 纺织品 农副产品 供应链 建材",
            "汽车销售 服装 日用品",
        ),
        _words(
            "日用百货销售 服装服饰批发 五金产品批发 建筑材料销售 食品销售 货物进出口",
            "互联网销售（除销售需要许可的商品） 汽车新车销售 供应链管理服务",
            "化工产品销售（不含许可类化工产品）",
        ),
        (LIC_FOOD, LIC_DRUG, LIC_HAZCHEM, LIC_CUSTOMS, LIC_MEDDEV, LIC_EQUIPMENT),
        (QUAL_AEO,),
        0.01,
    ),
    Industry(
        "G",
        4,
        _words("物流 海运物流 运输 货运代理 仓储 国际货运代理 港口物流 冷链物流 客运 快递"),
        _words(
            "道路货物运输（不含危险货物） 国内货物运输代理 国际货物运输代理",
            "普通货物仓储服务 装卸搬运 国内船舶代理 供应链管理服务",
        ),
        (LIC_ROAD, LIC_PORT, LIC_CUSTOMS, LIC_EQUIPMENT),
    ),
    Industry(
        "H",
        3,
        _words("餐饮管理 酒店管理 餐饮 宾馆 美食"),
        _words("餐饮服务 住宿服务 酒店管理 餐饮管理 食品销售"),
        (LIC_FOOD, LIC_FIRE, LIC_DRAINAGE),
    ),
    Industry(
        "I",
        6,
        _words("信息技术 网络科技 软件 智能科技 数据科技 信息科技 数字科技 云计算 物联网科技"),
        _words(
            "软件开发 信息系统集成服务 数据处理和存储支持服务 人工智能应用软件开发",
            "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
            "物联网技术服务 网络与信息安全软件开发",
        ),
        (LIC_NETCULTURE, LIC_EQUIPMENT),
    ),
    Industry(
        "J",
        1,
        _words("投资管理 融资租赁 小额贷款 典当 保险代理 资产管理 股权投资"),
        _words("股权投资 投资管理 资产管理 融资租赁业务 保险代理业务 以自有资金从事投资活动"),
        (LIC_LENDING,),
    ),
    Industry(
        "K",
        3,
        _words("房地产开发 置业 物业管理 房产经纪 物业服务 房地产"),
        _words("房地产开发经营 物业管理 房地产经纪 住房租赁 停车场服务"),
        (LIC_PRESALE, LIC_EQUIPMENT),
        (QUAL_REALTY,),
        0.5,
    ),
    Industry(
        "L",
        10,
        _words("商务咨询 企业管理 人力资源 广告 会展服务 旅行社 企业管理咨询 知识产权代理"),
        _words(
            "企业管理咨询 信息咨询服务（不含许可类信息咨询服务） 广告设计、代理",
            "会议及展览服务 人力资源服务 知识产权服务 旅游业务 市场营销策划",
        ),
        (LIC_TRAVEL, LIC_LABOUR, LIC_HR, LIC_FIRE),
    ),
    Industry(
        "M",
        6,
        _words("检测技术 生物科技 工程设计 技术研究 环境检测 测绘 规划设计 科技 新材料科技"),
        _words(
            "检验检测服务 生物技术研发 工程和技术研究和试验发展 工程管理服务 测绘服务",
            "规划设计管理 技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
        ),
        (LIC_EQUIPMENT, LIC_DRAINAGE),
        (QUAL_TESTING, QUAL_DESIGN),
        0.25,
    ),
    Industry(
        "N",
        1.2,
        _words("环境工程 园林绿化 环保科技 市政设施管理 环卫服务 生态环境"),
        _words(
            "环境保护专用设备销售 园林绿化工程施工 城乡市容管理 污水处理及其再生利用",
            "固体废物治理 水环境污染防治服务",
        ),
        (LIC_POLLUTANT, LIC_DRAINAGE),
    ),
    Industry(
        "O",
        2.5,
        _words("家政服务 汽车维修 洗涤服务 美容美发 保洁服务 维修服务"),
        _words(
            "家政服务 机动车修理和维护 洗染服务 理发及美容服务 家用电器修理",
            "专业保洁、清洗、消毒服务",
        ),
        (LIC_FIRE, LIC_DRAINAGE, LIC_EQUIPMENT),
    ),
    Industry(
        "P",
        0.8,
        _words("教育科技 职业技能培训 教育咨询 培训"),
        _words(
            "教育咨询服务（不含涉许可审批的教育培训活动）",
            "职业技能培训（不含需取得许可的项目）",
            "业务培训（不含教育培训、职业技能培训等需取得许可的培训）",
        ),
        (LIC_FIRE, LIC_FOOD),
    ),
    Industry(
        "Q",
        0.5,
        _words("健康管理 养老服务 医疗管理 康复 医疗科技"),
        _words(
            "健康咨询服务（不含诊疗服务） 养老服务 护理机构服务（不含医疗服务） 医院管理",
            "远程健康管理服务",
        ),
        (LIC_MEDDEV, LIC_DRUG, LIC_FIRE),
    ),
    Industry(
        "R",
        2,
        _words("文化传媒 影视 体育发展 文化旅游 文化艺术 娱乐 传媒"),
        _words(
            "组织文化艺术交流活动 广播电视节目制作经营 体育赛事策划 文艺创作",
            "会议及展览服务 电影摄制服务",
        ),
        (LIC_PERFORMANCE, LIC_FIRE, LIC_NETCULTURE),
    ),
)
INDUSTRY_BY_CODE = {industry.code: industry for industry in INDUSTRIES}

# Brand words: first character × second character, plus each city's local words.
BRAND_FIRST = (
    "华新鑫恒泰瑞盛宏兴达德信诚安康永金利源天海博嘉顺昌明正中东凯晨越欣润腾睿佳丰"
    "旺合宇锦富通联远光荣汇众亿创美精良立星振银隆万开禾云峰"
)
BRAND_SECOND = (
    "达兴源泰盛华信通宇丰康利诚德恒瑞鑫辉昌荣祥和邦浩安晟力翔威顺腾鼎扬帆航图元诺"
    "锐凯迪驰奥捷耀宝骏泽森茂欣隆越嘉汇程峰"
)
BRAND_GRID = tuple(a + b for a in BRAND_FIRST for b in BRAND_SECOND if a != b)
PROVINCIAL_BRANDS = _words("之江 浙商 钱江 东海")
# A bucket that has used every brand goes round again with one of these before the brand.
BRAND_MARKERS = "新大中金宏永华"


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
# revoking licences, lowering qualifications, restricting or closing down, fines > 1 M).
SERIOUS_TYPES: dict[str, tuple[str, ...]] = {
    "zj-housing": (PT.QUALIFICATION_LOWERED, PT.FINE, PT.LICENCE_SUSPENDED),
    "zj-eco": (PT.CLOSED_DOWN, PT.PRODUCTION_RESTRICTED, PT.FINE),
    "zj-emergency": (PT.CLOSED_DOWN, PT.FINE, PT.LICENCE_SUSPENDED),
    "zj-tax": (PT.FINE,),
}
SERIOUS_DEFAULT = (PT.FINE, PT.FINE, PT.LICENCE_SUSPENDED, PT.LICENCE_REVOKED)
PENALTY_WORDING: dict[str, str] = {
    PT.WARNING: "警告",
    PT.CRITICISM: "通报批评",
    PT.QUALIFICATION_LOWERED: "降低资质等级",
    PT.LICENCE_SUSPENDED: "暂扣许可证件六个月",
    PT.LICENCE_REVOKED: "吊销许可证件",
    PT.PRODUCTION_RESTRICTED: "限制开展生产经营活动",
    PT.CLOSED_DOWN: "责令停产停业",
}


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


# --- Subjects other than enterprises

SOCIAL_TOPICS = _words(
    "软件行业协会 电子商务协会 餐饮行业协会 鞋革行业协会 服装行业协会 物流协会",
    "建筑业协会 房地产业协会 个体劳动者协会 企业家协会 青年创业促进会 慈善总会",
    "老年人体育协会 摄影家协会 书法家协会 作家协会 环保产业协会 茶叶行业协会",
    "网络直播行业协会 家政服务业协会 养老服务业协会 物业管理协会 汽车维修行业协会",
    "旅游协会 民宿行业协会 会展业协会 广告协会 质量管理协会 标准化协会 计量测试学会",
    "信用协会 机械工程学会 医学会 护理学会 中医药学会 科普作家协会 计算机学会",
    "心理学会 登山协会 篮球协会 足球协会 围棋协会 钓鱼协会 福建商会 江西商会",
    "安徽商会 湖南商会 四川商会 河南商会 江苏商会 山东商会 广东商会 湖北商会",
    "台州商会 温州商会 义乌商会",
)
SOCIAL_TOWNS = _words(
    "城东 城西 城南 城北 新城 东湖 南苑 北苑 西城 滨海 青山 白云 桥头 高桥 新塘",
    "柳市 长安 兴华 梅溪 双林",
)
# name:industry of institutions a county or city has one of.
INSTITUTIONS = tuple(
    tuple(item.split(":"))
    for item in _words(
        "人民医院:Q 中医院:Q 妇幼保健院:Q 疾病预防控制中心:Q 急救中心:Q 图书馆:R 文化馆:R",
        "博物馆:R 档案馆:R 社会福利院:Q 职业技术学校:P 实验小学:P 实验中学:P",
        "城市规划设计研究院:M 农业科学研究院:M 不动产登记服务中心:S 公共资源交易中心:S",
        "水文站:N 园林绿化管理中心:N 体育中心:R",
    )
)
NUMBERED_INSTITUTIONS = (("中学", "P"), ("小学", "P"), ("幼儿园", "P"))
SOCIAL_ABNORMAL = Entry(
    K.ABNORMAL_OPERATION,
    "zj-civil-affairs",
    "浙民社异〔{y}〕",
    "列入活动异常名录",
    "{name}未按照规定时限和要求向登记管理机关报送年度工作报告，列入社会组织活动异常名录。",
    "《社会组织信用信息管理办法》第九条",
)
SOCIAL_HONOUR = Entry(
    K.HONOUR,
    "zj-civil-affairs",
    "浙民社评〔{y}〕",
    "社会组织评估等级4A",
    "{name}在{year}年度社会组织等级评估中被评为4A级社会组织。",
    "《社会组织评估管理办法》第二十条",
)
SOCIAL_VOLUNTEERING = Entry(
    K.VOLUNTEERING,
    "zj-youth-league",
    "",
    "志愿服务记录",
    "{name}组织会员参与社区志愿服务，{year}年度累计服务{hours}小时。",
    "《志愿服务条例》第十九条",
)
PERSON_JUDGEMENT = Entry(
    K.JUDGEMENT_UNPERFORMED,
    "zj-court",
    COURT,
    "未履行生效法律文书确定的义务",
    "被执行人{name}在民间借贷纠纷一案中未履行生效判决确定的给付义务，执行标的{amount}元。",
    CIVIL_PROCEDURE,
    amount=(20_000, 800_000),
)


# --- Small helpers ------------------------------------------------------------------------------


class _Weighted:
    """Weighted choice by bisection over precomputed cumulative weights (fast, stable)."""

    __slots__ = ("cumulative", "items", "total")

    def __init__(self, pairs: Sequence[tuple[Any, float]]) -> None:
        self.items = [item for item, _weight in pairs]
        self.cumulative = list(accumulate(weight for _item, weight in pairs))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


def _permutation_step(size: int) -> int:
    """A multiplier coprime to ``size`` near the golden ratio: k*step+offset mod size
    visits every residue once and scatters consecutive k."""
    step = max(1, round(size * 0.6180339887))
    while gcd(step, size) != 1:
        step += 1
    return step


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def zh_numeral(number: int) -> str:
    """1 → 一, 12 → 十二, 105 → 一百零五 (larger numbers as digits)."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    if number < 20:
        return "十" + (digits[number % 10] if number % 10 else "")
    if number < 100:
        return digits[number // 10] + "十" + (digits[number % 10] if number % 10 else "")
    if number < 1000:
        rest = number % 100
        head = digits[number // 100] + "百"
        if rest == 0:
            return head
        if rest < 10:
            return head + "零" + digits[rest]
        return head + (("一" + zh_numeral(rest)) if rest < 20 else zh_numeral(rest))
    return str(number)


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A day in [start, end] (``start`` when the range is empty). Always one draw, so
    what comes after does not depend on the width of the range."""
    span = max((end - start).days, 0)
    return start + dt.timedelta(days=int(rng.random() * (span + 1)))


def _at(day: dt.date, hour: int = 1) -> dt.datetime:
    """A timestamp on ``day`` in Asia/Shanghai (the nightly jobs run at 01:00)."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


# --- The generator ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EnterpriseDraw:
    """The random draws that place and name an enterprise (shared by the bulk loader)."""

    city: City
    county_code: str
    county_name: str
    industry: Industry
    etype: EnterpriseType
    established: dt.date
    form: str
    prefix: str
    word: str


@dataclass(slots=True)
class SubjectRows:
    """One subject with its former names and records, as plain rows.

    ``subject`` is keyed by :class:`Subject` attribute names; each record by
    :class:`CreditRecord` attribute names except ``department``, which is the
    department's code (the caller maps it to an id)."""

    index: int
    subject: dict[str, Any]
    former_names: list[dict[str, Any]] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)


def generate(*, enterprises: int, seed: int, as_of: dt.date) -> Iterator[SubjectRows]:
    """Yield the demo subjects of a run, lazily: enterprises first, then social
    organisations, public institutions and natural persons (see :func:`plan`)."""
    return _Generator(seed=seed, as_of=as_of).run(plan(enterprises))


class _Generator:
    def __init__(self, *, seed: int, as_of: dt.date) -> None:
        self.rng = random.Random(seed)
        # Records draw from their own stream: the subjects (names, codes) of a seed stay
        # the same whatever the as-of date does to the records.
        self.record_rng = random.Random(f"{seed}:records")
        self.as_of = as_of
        self.window_start = add_years(as_of, -6)
        rng = self.rng
        # USCC organisation bodies: digits for codes reissued from old organisation
        # codes, "MA…" for enterprises registered since the reform, "MJ…" for social
        # organisations. Each is a permutation of its own running index.
        self.bodies = {
            style: [0, size, _permutation_step(size), rng.randrange(size)]
            for style, size in (("digits", 10**8), ("MA", 31**6), ("MJ", 31**6))
        }
        self.buckets: dict[tuple[str, ...], list[int]] = {}
        self.serials: dict[tuple[str, str], int] = {}
        self.cities = _Weighted([(city, city.weight) for city in CITIES])
        self.industries = _Weighted([(ind, ind.weight) for ind in INDUSTRIES])
        self.types = _Weighted([(t, t.weight) for t in ENTERPRISE_TYPES])
        self.statuses = _Weighted(REGISTRATION_STATUSES)
        self.disclosures = _Weighted(DISCLOSURES)
        self.tax_levels = _Weighted(TAX_LEVELS)
        self.surnames = _Weighted(_SURNAMES)
        self.negatives = _Weighted([(e, e.weight) for e in NEGATIVE_ENTRIES])
        self.trusts = _Weighted([(e, e.weight) for e in TRUST_ENTRIES])
        self.penalties_by_industry = {
            industry.code: [
                v for v in PENALTIES if not v.industries or industry.code in v.industries
            ]
            for industry in INDUSTRIES
        }
        self.sole_forms = {code: _Weighted(f) for code, f in SOLE_PROPRIETOR_FORMS.items()}
        self.forms = {t.label: _Weighted(t.forms) for t in ENTERPRISE_TYPES}
        self.penalty_counts = _Weighted(((1, 70), (2, 22), (3, 8)))
        self.years = _Weighted([(year, 1 + (year - 1995) * 0.25) for year in range(1995, 2026)])
        self.showcase = list(RecordKind.values)

    # -- the run --------------------------------------------------------------------------------

    def run(self, counts: dict[str, int]) -> Iterator[SubjectRows]:
        index = 0
        makers: list[tuple[str, Callable[[int], SubjectRows]]] = [
            (ST.ENTERPRISE, self.enterprise),
            (ST.SOCIAL_ORGANISATION, self.social_organisation),
            (ST.PUBLIC_INSTITUTION, self.public_institution),
            (ST.NATURAL_PERSON, self.natural_person),
        ]
        for subject_type, make in makers:
            for number in range(counts[subject_type]):
                rows = make(number)
                rows.index = index
                index += 1
                yield rows

    # -- identifiers -----------------------------------------------------------------------------

    def org_body(self, style: str) -> str:
        """The first 8 characters of a unique organisation code."""
        state = self.bodies[style]
        k, size, step, offset = state
        state[0] = k + 1
        value = (k * step + offset) % size
        if style == "digits":
            return f"{value:08d}"
        chars = []
        for _position in range(6):
            value, digit = divmod(value, 31)
            chars.append(ALPHABET[digit])
        return style + "".join(reversed(chars))

    def next_in_bucket(self, key: tuple[str, ...], size: int) -> int:
        """The k-th distinct element of a permutation of range(size) for this bucket,
        plus ``size`` per completed round (so the caller can add a disambiguator)."""
        state = self.buckets.get(key)
        if state is None:
            state = self.buckets[key] = [0, self.rng.randrange(size)]
        k, offset = state
        state[0] = k + 1
        turn, position = divmod(k, size)
        return turn * size + (position * _permutation_step(size) + offset) % size

    def document_number(self, dept: str, prefix: str, *, tail: str = "号", width: int = 0) -> str:
        key = (dept, prefix)
        serial = self.serials.get(key, 0) + 1
        self.serials[key] = serial
        return f"{prefix}{serial:0{width}d}{tail}"

    def person_name(self) -> str:
        rng = self.rng
        given = rng.choice(_GIVEN)
        if rng.random() < 0.75:
            given += rng.choice(_GIVEN)
        return self.surnames.pick(rng) + given

    def address(self, city: City, county: str) -> str:
        rng = self.rng
        road = rng.choice(city.roads) if rng.random() < 0.4 else rng.choice(ROADS)
        number = rng.randint(1, 888)
        shape = rng.random()
        if shape < 0.45:
            tail = f"{number}号"
        elif shape < 0.8:
            tail = f"{number}号{rng.randint(1, 12)}幢{rng.randint(1, 25)}0{rng.randint(1, 9)}室"
        else:
            tail = f"{number}号{rng.randint(1, 30)}楼"
        return f"浙江省{city.name}{_county_label(county)}{road}{tail}"

    # -- enterprises -------------------------------------------------------------------------------

    def enterprise(self, number: int) -> SubjectRows:
        rng = self.rng
        draw = self.enterprise_draw()
        stem = draw.prefix + self.brand(draw.prefix, draw.city, draw.word) + draw.word
        name = stem + ("（集团）" if rng.random() < draw.etype.group else "") + draw.form
        rows = SubjectRows(index=0, subject=self.enterprise_subject(draw, name))
        former = self.former_form(draw)
        if former is not None:
            form, used_until = former
            rows.former_names.append({"name": stem + form, "used_until": used_until})
        self.enterprise_records(
            rows, draw.city, draw.county_code, draw.industry, draw.established,
            rows.subject["registration_status"], number,
        )  # fmt: skip
        return rows

    def enterprise_draw(self) -> EnterpriseDraw:
        """Where an enterprise is, what it does, its type, age, legal form and name prefix."""
        rng = self.rng
        city: City = self.cities.pick(rng)
        county_code, county_name = rng.choice(city.counties)
        industry: Industry = self.industries.pick(rng)
        etype: EnterpriseType = self.types.pick(rng)
        if etype.industries and industry.code not in etype.industries:
            etype = ENTERPRISE_TYPES[0]
        year = self.years.pick(rng)
        established = self.established_day(dt.date(year, 1, 1), dt.date(year, 12, 31))
        if etype.label == "个人独资企业" and industry.code in self.sole_forms:
            form = self.sole_forms[industry.code].pick(rng)
        else:
            form = self.forms[etype.label].pick(rng)
        roll = rng.random()
        if roll < etype.provincial:
            prefix = "浙江"
        elif _is_county_city(county_name) and roll < 0.6:
            prefix = county_name
        else:
            prefix = city.short
        word = rng.choice(industry.words)
        return EnterpriseDraw(
            city, county_code, county_name, industry, etype, established, form, prefix, word
        )

    def enterprise_subject(self, draw: EnterpriseDraw, name: str) -> dict[str, Any]:
        """The subject row of an enterprise named ``name``."""
        rng = self.rng
        reformed = draw.established >= dt.date(2015, 10, 1)
        uscc = build_uscc("91", draw.county_code, self.org_body("MA" if reformed else "digits"))
        status = self.statuses.pick(rng)
        capital = rng.choice(draw.etype.capital)
        return {
            "subject_type": ST.ENTERPRISE,
            "name": name,
            "uscc": uscc,
            "id_number": "",
            "legal_representative": self.person_name(),
            "enterprise_type": draw.etype.label,
            "established_on": draw.established,
            "address": self.address(draw.city, draw.county_name),
            "registered_capital": Decimal(capital),
            "business_scope": self.scope(draw.industry, draw.established),
            "registration_status": status,
            "region_id": draw.county_code,
            "industry_id": draw.industry.code,
        }

    def former_form(self, draw: EnterpriseDraw) -> tuple[str, dt.date] | None:
        """For 3 % of enterprises old enough to have been renamed: the legal form of their
        former name (the name stem stays) and the day it was last used."""
        rng = self.rng
        if rng.random() >= 0.03:
            return None
        form = (
            "有限公司"
            if draw.form == "股份有限公司"
            else FORMER_FORMS.get(draw.industry.code, "公司")
        )
        used_until = _day(rng, add_years(draw.established, 1), self.as_of - dt.timedelta(days=30))
        # Drawn either way, kept only for enterprises old enough to have been renamed.
        if draw.established < self.as_of - dt.timedelta(days=400):
            return form, used_until
        return None

    def established_day(self, first: dt.date, last: dt.date) -> dt.date:
        """A day of establishment in [first, last] (1995–2025), at least a month before
        the as-of date."""
        latest = self.as_of - dt.timedelta(days=30)
        return _day(self.rng, min(first, latest), min(last, latest))

    def brand(self, prefix: str, city: City, word: str) -> str:
        local = city.brands if prefix != "浙江" else PROVINCIAL_BRANDS
        size = len(local) + len(BRAND_GRID)
        k = self.next_in_bucket((prefix, word), size)
        turn, position = divmod(k, size)
        brand = local[position] if position < len(local) else BRAND_GRID[position - len(local)]
        if turn == 0:
            return brand
        # Every brand of this bucket is taken: go round again behind a marker
        # (新西子, 大西子 …), then behind two markers (not reached below ~10 M subjects).
        markers = BRAND_MARKERS
        marker = ""
        turn -= 1
        while True:
            turn, digit = divmod(turn, len(markers))
            marker = markers[digit] + marker
            if turn == 0:
                return marker + brand
            turn -= 1

    def scope(self, industry: Industry, established: dt.date) -> str:
        rng = self.rng
        items = rng.sample(industry.scope, min(len(industry.scope), rng.randint(3, 5)))
        if established >= dt.date(2021, 3, 1):
            return (
                "一般项目："
                + "；".join(items)
                + "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）。"
            )
        return "、".join(items) + "。（依法须经批准的项目，经相关部门批准后方可开展经营活动）"

    # -- records of an enterprise ----------------------------------------------------------------

    def enterprise_records(
        self,
        rows: SubjectRows,
        city: City,
        county: str,
        industry: Industry,
        established: dt.date,
        status: str,
        number: int,
    ) -> None:
        rng = self.record_rng
        ctx = _Context(rows.subject, city, county, industry, established)
        if rng.random() < 0.92:
            templates = industry.licences
            first = rng.choice(templates)
            self.licence(ctx, rows, first)
            if rng.random() < 0.25 and len(templates) > 1:
                second = rng.choice(templates)
                if second is not first:
                    self.licence(ctx, rows, second)
        if industry.qualifications and rng.random() < industry.qualification_share:
            self.licence(ctx, rows, rng.choice(industry.qualifications))
        if rng.random() < 0.17:
            for _ in range(self.penalty_counts.pick(rng)):
                self.penalty(ctx, rows)
        if status == RS.REVOKED:
            self.penalty(ctx, rows, revoke_business_licence=True)
        if rng.random() < 0.065:
            entry = self.negatives.pick(rng)
            if not entry.industries or industry.code in entry.industries:
                self.entry(ctx, rows, entry)
        if rng.random() < 0.10:
            for _ in range(1 if rng.random() < 0.8 else 2):
                self.entry(ctx, rows, self.trusts.pick(rng))
        if rng.random() < 0.65:
            self.tax_ratings(ctx, rows)
        roll = rng.random()
        if roll < 0.008:
            self.entry(ctx, rows, rng.choice(OTHER_ENTRIES[K.RISK_WARNING]))
        elif roll < 0.013:
            self.entry(ctx, rows, OTHER_ENTRIES[K.PRIORITY_CONCERN][0])
        elif roll < 0.023:
            self.entry(ctx, rows, OTHER_ENTRIES[K.OTHER][0])
        if number % SHOWCASE_STRIDE == SHOWCASE_OFFSET:
            turn = number // SHOWCASE_STRIDE
            if turn < len(self.showcase):
                self.showcase_record(ctx, rows, self.showcase[turn])

    def showcase_record(self, ctx: _Context, rows: SubjectRows, kind: str) -> None:
        if kind in (K.LICENCE, K.QUALIFICATION):
            pool = (
                ctx.industry.licences
                if kind == K.LICENCE
                else (ctx.industry.qualifications or (QUAL_SAFETY,))
            )
            self.licence(ctx, rows, self.record_rng.choice(pool))
        elif kind == K.PENALTY:
            self.penalty(ctx, rows)
        elif kind == K.TAX_CREDIT_RATING:
            self.tax_ratings(ctx, rows, years=1)
        else:
            entries = [e for e in NEGATIVE_ENTRIES + TRUST_ENTRIES if e.kind == kind]
            entries += OTHER_ENTRIES.get(kind, ())
            self.entry(ctx, rows, self.record_rng.choice(entries))

    def number_prefix(self, pattern: str, ctx: _Context, day: dt.date) -> str:
        return pattern.format(
            a=ctx.city.abbr,
            y=day.year,
            y2=f"{day.year % 100:02d}",
            d=ctx.county,
            d4=ctx.county[:4],
            c=ctx.county[2:],
        )

    def dept(self, code: str, city: City) -> str:
        if code == "amr":
            return CITY_MARKET_REGULATORS.get(city.code, "zj-amr")
        return code

    def base(self, kind: str, dept: str, day: dt.date) -> dict[str, Any]:
        return {
            "kind": kind,
            "department": dept,
            "decision_date": day,
            "document_number": "",
            "legal_basis": "",
            "title": "",
            "content": "",
            "disclosure": self.disclosures.pick(self.record_rng),
            "severity": "",
            "publicity_end": None,
            "state": RecordState.ACTIVE,
            "state_changed_at": None,
            "penalty_type": "",
            "fine_amount": None,
            "amount": None,
            "valid_from": None,
            "valid_until": None,
            "tax_credit_level": "",
            "tax_year": None,
        }

    def licence(self, ctx: _Context, rows: SubjectRows, template: LicenceTemplate) -> None:
        rng = self.record_rng
        renewal = add_years(self.as_of, -(template.years or 5))
        if ctx.established > renewal:
            day = _day(rng, ctx.established, min(self.as_of, ctx.established + dt.timedelta(90)))
            note = "（新办）"
        else:
            day = _day(rng, renewal + dt.timedelta(days=1), self.as_of)
            note = "（延续）" if template.years else "（变更）"
        dept = self.dept(template.dept, ctx.city)
        record = self.base(template.kind, dept, day)
        record["document_number"] = self.document_number(
            dept,
            self.number_prefix(template.number, ctx, day),
            tail=template.tail,
            width=template.width,
        )
        record["title"] = template.title + note
        record["content"] = f"{ctx.name}：{template.content}"
        record["legal_basis"] = template.basis
        record["valid_from"] = day
        record["valid_until"] = (
            add_years(day, template.years) - dt.timedelta(days=1) if template.years else None
        )
        rows.records.append(record)

    def negative_day(self, ctx: _Context) -> dt.date:
        start = max(ctx.established + dt.timedelta(days=30), self.window_start)
        return _day(self.record_rng, min(start, self.as_of), self.as_of)

    def penalty(
        self, ctx: _Context, rows: SubjectRows, *, revoke_business_licence: bool = False
    ) -> None:
        rng = self.record_rng
        day = self.negative_day(ctx)
        if revoke_business_licence:
            dept = self.dept("amr", ctx.city)
            prefix = self.number_prefix("{a}市监处罚〔{y}〕", ctx, day)
            article = "第二百六十条" if day >= dt.date(2024, 7, 1) else "第二百一十一条"
            basis = f"《中华人民共和国公司法》{article}"
            record = self.base(K.PENALTY, dept, day)
            record.update(
                document_number=self.document_number(dept, prefix),
                title="吊销营业执照",
                content=(
                    f"经查，当事人{ctx.name}成立后无正当理由超过六个月未开业，或者开业后自行停业"
                    f"连续六个月以上。依据{basis}，决定吊销其营业执照。"
                ),
                legal_basis=basis,
                severity=Severity.SERIOUS,
                penalty_type=PT.LICENCE_REVOKED,
            )
            self.finish_negative(record, rows)
            return
        candidates = self.penalties_by_industry[ctx.industry.code]
        violation = rng.choice(candidates)
        dept = self.dept(violation.dept, ctx.city)
        roll = rng.random()
        if roll < 0.22:
            severity = Severity.MINOR
        elif roll > 0.93 and violation.title in MAY_BE_SERIOUS:
            severity = Severity.SERIOUS
        else:
            severity = Severity.GENERAL
        fine: Decimal | None = None
        penalty_type: str
        if severity == Severity.MINOR:
            kind_roll = rng.random()
            penalty_type = PT.WARNING if kind_roll < 0.4 else PT.FINE
            if 0.4 <= kind_roll < 0.5:
                penalty_type = PT.CRITICISM
            if penalty_type == PT.FINE:
                fine = Decimal(rng.choice((200, 500, 1000, 2000, 3000, 5000)))
        elif severity == Severity.GENERAL:
            penalty_type = PT.CONFISCATION if rng.random() < 0.15 else PT.FINE
            fine = Decimal(rng.randint(5, 200) * 1000)
        else:
            penalty_type = rng.choice(SERIOUS_TYPES.get(dept, SERIOUS_DEFAULT))
            if penalty_type == PT.FINE:
                fine = Decimal(rng.randint(101, 500) * 10_000)
        if penalty_type == PT.FINE:
            wording = f"罚款人民币{fine}元"
        elif penalty_type == PT.CONFISCATION:
            gains = rng.randint(1, 50) * 1000
            wording = f"没收违法所得人民币{gains}元，并处罚款人民币{fine}元"
        else:
            wording = PENALTY_WORDING[penalty_type]
        prefix = self.number_prefix(violation.number, ctx, day)
        record = self.base(K.PENALTY, dept, day)
        record.update(
            document_number=self.document_number(dept, prefix),
            title=violation.title,
            content=(
                f"经查，当事人{ctx.name}{violation.detail}。上述行为违反了有关法律法规的规定。"
                f"依据{violation.basis}，决定给予如下行政处罚：{wording}。"
            ),
            legal_basis=violation.basis,
            severity=severity,
            penalty_type=penalty_type,
            fine_amount=fine,
        )
        self.finish_negative(record, rows)

    def entry(self, ctx: _Context, rows: SubjectRows, entry: Entry) -> None:
        rng = self.record_rng
        negative = entry.kind in NEGATIVE_KIND_VALUES
        if negative:
            day = self.negative_day(ctx)
        else:
            start = max(ctx.established + dt.timedelta(days=180), self.window_start)
            day = _day(rng, min(start, self.as_of), self.as_of)
        dept = self.dept(entry.dept, ctx.city)
        record = self.base(entry.kind, dept, day)
        amount = None
        if entry.amount is not None:
            low, high = entry.amount
            amount = Decimal(rng.randint(low // 100, high // 100) * 100)
        record["amount"] = amount
        record["title"] = entry.title
        record["content"] = entry.content.format(
            name=ctx.name,
            lr=ctx.legal_representative,
            amount=amount,
            year=day.year - 1 if entry.kind in (K.HONOUR, K.VOLUNTEERING) else day.year,
            hours=rng.randint(20, 900),
        )
        record["legal_basis"] = entry.basis
        if entry.number:
            prefix = self.number_prefix(entry.number, ctx, day)
            record["document_number"] = self.document_number(dept, prefix)
        if negative:
            roll = rng.random()
            severity = Severity.MINOR if roll < 0.1 else Severity.GENERAL
            if roll > 0.92:
                severity = Severity.SERIOUS
            record["severity"] = entry.severity or severity
            self.finish_negative(record, rows)
        else:
            rows.records.append(record)

    def finish_negative(self, record: dict[str, Any], rows: SubjectRows) -> None:
        """Publicity end and state of a negative record (DOMAIN §6): penalties 3 years
        (5 when serious, none for permanent kinds), other negative information 1 year
        (3 when serious); past its end it is expired, a few are repaired or revoked."""
        rng = self.record_rng
        day: dt.date = record["decision_date"]
        serious = record["severity"] == Severity.SERIOUS
        if record["kind"] == K.PENALTY:
            if record["penalty_type"] in PERMANENT_PENALTIES:
                end = None
            else:
                end = add_years(day, 5 if serious else 3)
        else:
            end = add_years(day, 3 if serious else 1)
        record["publicity_end"] = end
        roll = rng.random()
        # Repair needs the minimum publicity elapsed (Zhejiang: generally a year).
        earliest_repair = add_years(day, 1)
        latest_repair = min(self.as_of, end) if end is not None else self.as_of
        if roll < 0.04 and end is not None and earliest_repair <= latest_repair:
            record["state"] = RecordState.REPAIRED
            record["state_changed_at"] = _at(_day(rng, earliest_repair, latest_repair), 10)
        elif roll > 0.995 and day + dt.timedelta(days=60) <= self.as_of:
            record["state"] = RecordState.REVOKED
            revoked_on = day + dt.timedelta(days=rng.randint(10, 60))
            record["state_changed_at"] = _at(revoked_on, 15)
        elif end is not None and end < self.as_of:
            record["state"] = RecordState.EXPIRED
            record["state_changed_at"] = _at(end + dt.timedelta(days=1))
        rows.records.append(record)

    def tax_ratings(self, ctx: _Context, rows: SubjectRows, years: int | None = None) -> None:
        """Tax credit levels are set each April for the year before."""
        rng = self.record_rng
        latest = self.latest_tax_year()
        count = years or rng.randint(1, 3)
        for tax_year in range(latest - count + 1, latest + 1):
            if tax_year < ctx.established.year:
                continue
            self.tax_rating(ctx, rows, tax_year)

    def latest_tax_year(self) -> int:
        as_of = self.as_of
        return as_of.year - 1 if as_of >= dt.date(as_of.year, 4, 30) else as_of.year - 2

    def tax_rating(self, ctx: _Context, rows: SubjectRows, tax_year: int) -> None:
        rng = self.record_rng
        level = self.tax_levels.pick(rng)
        day = dt.date(tax_year + 1, 4, rng.randint(1, 30))
        record = self.base(K.TAX_CREDIT_RATING, "zj-tax", day)
        record.update(
            title=f"{tax_year}年度纳税信用等级{level}级",
            content=f"经评价，{ctx.name}{tax_year}年度纳税信用级别为{level}级。",
            legal_basis="《纳税信用管理办法（试行）》第十七条",
            tax_credit_level=level,
            tax_year=tax_year,
        )
        rows.records.append(record)

    # -- other subjects ---------------------------------------------------------------------

    def _organisation(
        self,
        *,
        subject_type: str,
        name: str,
        uscc: str,
        county: str,
        city: City,
        kind_label: str,
        industry: str,
        capital: int,
        established: dt.date,
        scope: str,
    ) -> SubjectRows:
        county_name = dict(city.counties)[county]
        return SubjectRows(
            index=0,
            subject={
                "subject_type": subject_type,
                "name": name,
                "uscc": uscc,
                "id_number": "",
                "legal_representative": self.person_name(),
                "enterprise_type": kind_label,
                "established_on": established,
                "address": self.address(city, county_name),
                "registered_capital": Decimal(capital),
                "business_scope": scope,
                "registration_status": RS.EXISTING,
                "region_id": county,
                "industry_id": industry,
            },
        )

    def _place(self) -> tuple[City, str, str]:
        """A city, one of its counties, and the name prefix: the city or the county."""
        rng = self.rng
        city: City = self.cities.pick(rng)
        county, county_name = rng.choice(city.counties)
        if rng.random() < 0.5 or county_name.endswith("市辖区"):
            prefix = city.name
        elif _is_county_city(county_name):
            prefix = county_name
        else:
            prefix = city.name + county_name
        return city, county, prefix

    def social_organisation(self, number: int) -> SubjectRows:
        rng = self.rng
        city, county, prefix = self._place()
        # First every topic once for the place, then per street (街道), then branches.
        k = self.next_in_bucket(("social", prefix), len(SOCIAL_TOPICS))
        turn, topic = divmod(k, len(SOCIAL_TOPICS))
        branch, town = divmod(turn, 1 + len(SOCIAL_TOWNS))
        street = SOCIAL_TOWNS[town - 1] + "街道" if town else ""
        name = prefix + street + SOCIAL_TOPICS[topic]
        if branch:
            name += f"第{zh_numeral(branch + 1)}分会"
        established = self.established_day(dt.date(1995, 1, 1), dt.date(2025, 12, 31))
        rows = self._organisation(
            subject_type=ST.SOCIAL_ORGANISATION,
            name=name,
            uscc=build_uscc("51", county, self.org_body("MJ")),
            county=county,
            city=city,
            kind_label="社会团体",
            industry="S",
            capital=rng.choice((3, 5, 10, 30, 50)),
            established=established,
            scope="业务范围：行业自律、业务培训、交流合作、咨询服务、承接政府委托事项。",
        )
        ctx = _Context(rows.subject, city, county, INDUSTRY_BY_CODE["L"], established)
        roll = self.record_rng.random()
        if roll < 0.03:
            self.entry(ctx, rows, SOCIAL_ABNORMAL)
        elif roll < 0.11:
            self.entry(ctx, rows, SOCIAL_HONOUR)
        elif roll < 0.16:
            self.entry(ctx, rows, SOCIAL_VOLUNTEERING)
        return rows

    def public_institution(self, number: int) -> SubjectRows:
        rng = self.rng
        city, county, prefix = self._place()
        k = self.next_in_bucket(("institution", prefix), len(INSTITUTIONS))
        if k < len(INSTITUTIONS):
            label, industry = INSTITUTIONS[k]
        else:
            turn, which = divmod(k - len(INSTITUTIONS), len(NUMBERED_INSTITUTIONS))
            school, industry = NUMBERED_INSTITUTIONS[which]
            label = f"第{zh_numeral(turn + 1)}{school}"
        established = self.established_day(dt.date(1995, 1, 1), dt.date(2025, 12, 31))
        rows = self._organisation(
            subject_type=ST.PUBLIC_INSTITUTION,
            name=prefix + label,
            uscc=build_uscc("12", county, self.org_body("digits")),
            county=county,
            city=city,
            kind_label="事业单位",
            industry=industry,
            capital=rng.choice((10, 50, 100, 300, 500, 1000, 3000)),
            established=established,
            scope="宗旨和业务范围：为社会提供公益服务，促进相关事业发展。",
        )
        # Records only need an industry to pick templates; "S" has none of its own.
        profile = INDUSTRY_BY_CODE.get(industry, INDUSTRY_BY_CODE["N"])
        ctx = _Context(rows.subject, city, county, profile, established)
        record_rng = self.record_rng
        if record_rng.random() < 0.5:
            licence = record_rng.choice((LIC_FIRE, LIC_DRAINAGE, LIC_EQUIPMENT))
            self.licence(ctx, rows, licence)
        if record_rng.random() < 0.1:
            self.entry(ctx, rows, CIVILISED_UNIT)
        if record_rng.random() < 0.02:
            fire = [v for v in PENALTIES if v.dept == "zj-fire"]
            self.penalty_from(ctx, rows, record_rng.choice(fire))
        return rows

    def penalty_from(self, ctx: _Context, rows: SubjectRows, violation: Violation) -> None:
        day = self.negative_day(ctx)
        dept = self.dept(violation.dept, ctx.city)
        fine = Decimal(self.record_rng.randint(5, 50) * 1000)
        record = self.base(K.PENALTY, dept, day)
        record.update(
            document_number=self.document_number(
                dept, self.number_prefix(violation.number, ctx, day)
            ),
            title=violation.title,
            content=(
                f"经查，当事人{ctx.name}{violation.detail}。依据{violation.basis}，"
                f"决定给予如下行政处罚：罚款人民币{fine}元。"
            ),
            legal_basis=violation.basis,
            severity=Severity.GENERAL,
            penalty_type=PT.FINE,
            fine_amount=fine,
        )
        self.finish_negative(record, rows)

    def natural_person(self, number: int) -> SubjectRows:
        rng = self.rng
        city: City = self.cities.pick(rng)
        county, _county_name = rng.choice(city.counties)
        id_number, county = self.resident_id(county)
        rows = SubjectRows(
            index=0,
            subject={
                "subject_type": ST.NATURAL_PERSON,
                "name": self.person_name(),
                "uscc": None,
                "id_number": id_number,
                "legal_representative": "",
                "enterprise_type": "",
                "established_on": None,
                "address": "",
                "registered_capital": None,
                "business_scope": "",
                "registration_status": RS.EXISTING,
                "region_id": county,
                "industry_id": None,
            },
        )
        ctx = _Context(rows.subject, city, county, INDUSTRY_BY_CODE["O"], dt.date(2000, 1, 1))
        ctx.legal_representative = rows.subject["name"]
        record_rng = self.record_rng
        if record_rng.random() < 0.6:
            self.entry(ctx, rows, PERSON_JUDGEMENT)
        else:
            transport = [v for v in PENALTIES if v.dept == "zj-transport"]
            self.penalty_from(ctx, rows, transport[-1])
        # Natural persons' information is not public (Zhejiang regulation 2018).
        for record in rows.records:
            record["disclosure"] = (
                Disclosure.PARTIAL if record_rng.random() < 0.8 else Disclosure.GOVERNMENT
            )
        return rows

    def resident_id(self, county: str) -> tuple[str, str]:
        """An 18-digit resident identity number that passes ``stdnum.cn.ric``, and its
        area. The area code must have existed in the birth year (many districts date
        from the 1980s–2000s), so retry with other draws; city codes never lapse."""
        rng = self.rng
        area = county
        for attempt in range(41):
            if attempt == 40:
                area = "330100"
            birth = _day(rng, dt.date(1965, 1, 1), dt.date(2003, 12, 31))
            body = f"{area}{birth:%Y%m%d}{rng.randrange(1, 1000):03d}"
            number = body + ric.calc_check_digit(body + "0")
            if ric.is_valid(number):
                break
            area = rng.choice(COUNTY_CODES)
        return number, area


@dataclass(slots=True)
class _Context:
    """What record templates need to know about their subject."""

    subject: dict[str, Any]
    city: City
    county: str
    industry: Industry
    established: dt.date
    name: str = ""
    legal_representative: str = ""

    def __post_init__(self) -> None:
        self.name = self.subject["name"]
        self.legal_representative = self.subject["legal_representative"]


# --- Writing it -----------------------------------------------------------------------------------


class DemoDataRefused(DomainError):
    default_message = _("Demo data was not written.")


@dataclass
class SeedResult:
    enterprises: int = 0
    other_subjects: int = 0
    records: int = 0
    former_names: int = 0
    seconds: float = 0.0
    job_id: int | None = None

    @property
    def subjects(self) -> int:
        return self.enterprises + self.other_subjects

    def counts(self) -> dict[str, int]:
        return {
            "enterprises": self.enterprises,
            "other_subjects": self.other_subjects,
            "records": self.records,
            "former_names": self.former_names,
        }


def demo_seed(
    *,
    enterprises: int,
    seed: int,
    as_of: dt.date | None = None,
    batch_size: int = 2000,
    force: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> SeedResult:
    """Fill an empty database with deterministic demo subjects and records.

    Rows go in with ``bulk_create``, ``batch_size`` subjects (and their records) per
    transaction; no per-row service calls or audit rows: one audit row records the run.
    A job-run row shows progress and the outcome. Refuses on a production site unless
    ``force`` (demo data must not reach a real database by accident), and on a database
    that already holds subjects (codes and document numbers of a run are unique only
    within that run).
    """
    if settings.PRODUCTION and not force:
        raise DemoDataRefused(
            _(
                "This is a production site (DJANGO_ENV=production): demo data is not "
                "written there unless you pass --force."
            ),
            field="force",
        )
    existing = Subject.objects.count()
    if existing:
        raise DemoDataRefused(
            _(
                "The database already holds %(n)d credit subjects; demo data goes into an "
                "empty database only (use --if-empty to skip quietly)."
            )
            % {"n": existing},
            field="enterprises",
        )
    departments = dict(Department.objects.values_list("code", "pk"))
    needed = _department_codes()
    missing = sorted(code for code in needed if code not in departments)
    if missing:
        raise DemoDataRefused(
            _("Reference data is missing (departments %(codes)s): run manage.py migrate.")
            % {"codes": ", ".join(missing)},
            field="department",
        )
    as_of = as_of or timezone.localdate()
    counts = plan(enterprises)
    total = sum(counts.values())
    result = SeedResult()
    started = time.monotonic()
    job = JobRun.objects.create(name="seed_demo", total=total)
    result.job_id = job.pk

    def write(batch: list[SubjectRows]) -> None:
        subjects = [Subject(**rows.subject) for rows in batch]
        for rows, subject in zip(batch, subjects, strict=True):
            # Public search by pinyin (enterprises/pinyin.py), as subject_upsert does.
            subject.search_pinyin, subject.search_initials = search_keys(
                [subject.name, *(values["name"] for values in rows.former_names)]
            )
        former: list[FormerName] = []
        records: list[CreditRecord] = []
        with transaction.atomic():
            Subject.objects.bulk_create(subjects, batch_size=batch_size)
            for rows, subject in zip(batch, subjects, strict=True):
                for values in rows.former_names:
                    former.append(FormerName(subject_id=subject.pk, **values))
                for values in rows.records:
                    data = dict(values)
                    data["department_id"] = departments[data.pop("department")]
                    records.append(CreditRecord(subject_id=subject.pk, **data))
            FormerName.objects.bulk_create(former, batch_size=batch_size)
            CreditRecord.objects.bulk_create(records, batch_size=batch_size)
            for subject in subjects:
                if subject.subject_type == ST.ENTERPRISE:
                    result.enterprises += 1
                else:
                    result.other_subjects += 1
            result.records += len(records)
            result.former_names += len(former)
            JobRun.objects.filter(pk=job.pk).update(done=result.subjects, counts=result.counts())
        # With DEBUG on, Django keeps every query's SQL with its parameters: megabytes
        # per batch here. Drop them so memory stays bounded by one batch (unless a test
        # is capturing queries).
        if settings.DEBUG and not connection.force_debug_cursor:
            connection.queries_log.clear()
        if on_progress is not None:
            on_progress(len(batch), len(records))

    try:
        batch: list[SubjectRows] = []
        for rows in generate(enterprises=enterprises, seed=seed, as_of=as_of):
            batch.append(rows)
            if len(batch) >= batch_size:
                write(batch)
                batch = []
        if batch:
            write(batch)
    except BaseException as error:
        # Batches already committed stay; the job row and the audit trail say so.
        JobRun.objects.filter(pk=job.pk).update(
            status=JobRun.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}"[:5000],
            counts=result.counts(),
        )
        if result.subjects:
            _audit_run(result, seed, reason="demo data (failed part-way)")
        raise
    demo_commitments(seed=seed, as_of=as_of)  # published credit commitments (public site)
    from .lists import demo_lists  # red and black list entries (lists issue)

    demo_lists(seed=seed, as_of=as_of)
    from .inspections import demo_inspections  # random inspections (issue 7)

    demo_inspections(seed=seed, as_of=as_of)
    result.seconds = time.monotonic() - started
    with transaction.atomic():
        _audit_run(result, seed, reason="demo data")
        JobRun.objects.filter(pk=job.pk).update(
            status=JobRun.Status.SUCCEEDED,
            finished_at=timezone.now(),
            done=result.subjects,
            counts=result.counts(),
        )
    return result


def _audit_run(result: SeedResult, seed: int, *, reason: str) -> None:
    audit_append(
        actor=Actor.for_system("seed_demo"),
        action="bulk",
        object_type="enterprises.subject",
        object_id="seed_demo",
        after={
            "enterprises": result.enterprises,
            "records": result.records,
            "seed": seed,
            "other_subjects": result.other_subjects,
        },
        reason=reason,
    )


def _department_codes() -> list[str]:
    codes = ["zj-tax", *CITY_MARKET_REGULATORS.values(), "zj-amr"]
    templates: list[Any] = [*PENALTIES, *NEGATIVE_ENTRIES, *TRUST_ENTRIES]
    templates += [e for entries in OTHER_ENTRIES.values() for e in entries]
    templates += [SOCIAL_ABNORMAL, SOCIAL_HONOUR, SOCIAL_VOLUNTEERING, PERSON_JUDGEMENT]
    templates += [t for ind in INDUSTRIES for t in ind.licences + ind.qualifications]
    for template in templates:
        if template.dept != "amr" and template.dept not in codes:
            codes.append(template.dept)
    return codes


# --- Demo officials -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoOfficial:
    username: str
    password: str
    department: str | None
    group: str | None
    superuser: bool = False


DEMO_OFFICIALS = (
    DemoOfficial("admin", "admin", None, None, superuser=True),
    DemoOfficial("officer_amr", "demo12345", "zj-amr", GROUP_DEPARTMENT_OFFICER),
    DemoOfficial("officer_tax", "demo12345", "zj-tax", GROUP_DEPARTMENT_OFFICER),
    DemoOfficial("reviewer", "demo12345", "zj-credit-centre", GROUP_CREDIT_CENTRE_REVIEWER),
)


def demo_officials_ensure() -> list[DemoOfficial]:
    """Create the demo officials of the admin if they do not exist (idempotent).

    An existing account keeps its password; its staff flag, role group and department
    are put back. Only ``seed_demo`` calls this, never a production set-up."""
    ensure_roles()
    user_model = get_user_model()
    hashes: dict[str, str] = {}
    with transaction.atomic():
        for official in DEMO_OFFICIALS:
            user = user_model.objects.filter(username=official.username).first()
            if user is None:
                if official.password not in hashes:
                    # One hash per password: hashing is deliberately slow, and these
                    # are published demo credentials anyway.
                    hashes[official.password] = make_password(official.password)
                user = user_model(username=official.username, password=hashes[official.password])
            user.is_staff = True
            if official.superuser:
                user.is_superuser = True
            user.save()
            if official.group:
                user.groups.add(Group.objects.get(name=official.group))
            if official.department:
                OfficialProfile.objects.update_or_create(
                    user=user,
                    defaults={"department": Department.objects.get(code=official.department)},
                )
    return list(DEMO_OFFICIALS)
