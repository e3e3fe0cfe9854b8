"""Geography of the demo: Zhejiang's cities with their counties (from the region
reference table), local brand words and roads."""

from __future__ import annotations

from dataclasses import dataclass

from enterprises.reference import REGIONS

from . import _words

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
