"""Brand characters of the bulk load and the pinyin keys of names built from parts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT

from enterprises.pinyin import _OTHER, _mark_other, name_keys

# Characters of brand names (字号), most common first. Every one has a single reading in
# pypinyin, in its character table and in every phrase that contains it, so a brand's
# pinyin never depends on its neighbours (tests/demo/test_bulkseed.py checks this list).
BRAND_POOL = (
    "华新恒泰瑞宏兴德诚安康永金利源天海博嘉顺昌正中东凯晨欣润腾睿佳丰旺宇锦富通联远光荣"
    "汇亿创美良星振银隆开禾云峰祥邦力翔威扬帆航图元诺锐迪驰耀宝骏泽森茂程辉伟盈优卓科智"
    "慧龙凤鹏飞江山川河湖涛紫彩阳辰春秋冬松竹梅兰菊荷桂樱李杏枫杨柳林木玉晶钻铭鸿儒雅逸"
    "清风朗静谐福寿庆吉如意品质尊豪杰秀丽音舜尧禹汉唐宋湘楚蜀鲁燕赵秦晋闽粤黔渝沪京津冀"
    "辽苏浙赣琼绍衢舟友谊仁义礼忠真善实守久深厚载物进求一三八九千兆首初始本根"
    "基柱梁栋宙坤跃翱骋起发展壮煌灿绣日上拉曼贝尔特菲克罗伦萨莱恩维亚普赛尼欧雷仟淼垚磊"
    "犇泓沣澜汐沐涵淇渊滨澎漫潮沁琪琳琛瑾瑜璟璞琦珑珀瑄瑶璐琅玮珂钰铂锋钧铄镭铖锟钦铠镇"
    "锴昊晖晗暄曦旭昱晔曜炜烨炫焕煜熠燊炬炳桦梓楠榕樟柘椿枢柯韬韵颂赢赞誉谦谨讯译诣芯芊"
    "芷苒茗荟菁蕾薇藤蓓蓉骐骥骁驿驭驹骅凌霄霖霆霏雯雳霞擎挚沃洲浦淮渤漓峻岚嵘崇岳峥嵩巍"
    "峦睦融聚集群网链"
)


class NameKeys:
    """``enterprises.pinyin.name_keys`` of a name built from parts, without running
    pypinyin on the whole name.

    pypinyin segments a run of Han characters by forward maximum matching over its
    phrase table and reads each phrase from the table, other characters by their first
    reading. If no string that starts before a boundary between two parts and ends just
    after it is a prefix of a phrase, no phrase and no matching attempt crosses that
    boundary: each part is then segmented as if a character that occurs in no phrase
    followed it. So the keys of the name are the keys of each part read before such a
    barrier character (cached per part), the last part read alone. Where a boundary
    could be crossed, the whole name goes through ``name_keys`` (rare). Brand parts made
    of :data:`BRAND_POOL` characters need no cache: each character always reads the same.
    """

    def __init__(self) -> None:
        from pypinyin.seg.mmseg import p_set

        self.prefixes = p_set
        self.longest = max(len(phrase) for phrase in PHRASES_DICT)
        self.barrier = _barrier_character()
        self.context: dict[str, tuple[str, str]] = {}
        self.alone: dict[str, tuple[str, str]] = {}
        self.chars: dict[str, tuple[str, str]] = {}
        for char in BRAND_POOL:
            full, initial = name_keys(char)
            self.chars[char] = (full, initial)
        self.slow = 0

    def _part_in_context(self, part: str) -> tuple[str, str]:
        keys = self.context.get(part)
        if keys is None:
            items = lazy_pinyin(
                part + self.barrier,
                style=Style.NORMAL,
                errors=_mark_other,
                v_to_u=False,
            )[:-1]
            full: list[str] = []
            initials: list[str] = []
            for item in items:
                cleaned = "".join(c for c in item.lower() if c.isascii() and c.isalnum())
                if not cleaned:
                    continue
                full.append(cleaned)
                initials.append(cleaned if item.startswith(_OTHER) else cleaned[0])
            keys = self.context[part] = ("".join(full), "".join(initials))
        return keys

    def _part_alone(self, part: str) -> tuple[str, str]:
        keys = self.alone.get(part)
        if keys is None:
            keys = self.alone[part] = name_keys(part)
        return keys

    def brand(self, brand: str) -> tuple[str, str]:
        chars = self.chars
        return (
            "".join(chars[c][0] for c in brand),
            "".join(chars[c][1] for c in brand),
        )

    def compose(self, parts: Sequence[str], brand_at: int = -1) -> tuple[str, str]:
        """Keys of ``"".join(parts)``; ``parts[brand_at]`` (if any) is a pool brand."""
        name = "".join(parts)
        prefixes = self.prefixes
        boundary = 0
        for part in parts[:-1]:
            boundary += len(part)
            for start in range(max(0, boundary - self.longest), boundary):
                if name[start : boundary + 1] in prefixes:
                    self.slow += 1
                    return name_keys(name)
        full: list[str] = []
        initials: list[str] = []
        last = len(parts) - 1
        for position, part in enumerate(parts):
            if position == brand_at:
                keys = self.brand(part)
            elif position == last:
                keys = self._part_alone(part)
            else:
                keys = self._part_in_context(part)
            full.append(keys[0])
            initials.append(keys[1])
        return "".join(full), "".join(initials)


def _barrier_character() -> str:
    """A Han character with a reading that occurs in no phrase of pypinyin's table."""
    from pypinyin.constants import PINYIN_DICT

    in_phrases = set().union(*PHRASES_DICT)
    for char in BRAND_POOL:
        if char not in in_phrases:
            return char
    for code in sorted(PINYIN_DICT):  # pragma: no cover - the pool always has one
        char = chr(code)
        if "\u4e00" <= char <= "\u9fff" and char not in in_phrases:
            return char
    raise RuntimeError("no barrier character")  # pragma: no cover


def combine_keys(keys: Iterable[tuple[str, str]]) -> tuple[str, str]:
    """:func:`enterprises.pinyin.search_keys` from the keys of each name."""
    fulls: list[str] = []
    initials: list[str] = []
    for full, first in keys:
        if full and full not in fulls:
            fulls.append(full)
        if first and first not in initials:
            initials.append(first)
    return " ".join(fulls), " ".join(initials)
