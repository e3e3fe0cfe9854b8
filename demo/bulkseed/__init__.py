"""Province-scale demo data through COPY: ``manage.py seed_demo --scale province``
(2,580,000 enterprises, 10,000,000 credit records) on PostgreSQL, issue 9.

The small demo (:mod:`enterprises.demo`) builds ORM objects and ``bulk_create``\\ s them:
≈ 45 s per 100,000 enterprises, far too slow for a province. This module reuses its
data tables and record templates (licences, penalties, list reasons …) but

* generates plain text rows (no model instances) and streams them into PostgreSQL with
  ``COPY … FROM STDIN (FREEZE)`` on one connection per table, each table truncated in
  the same transaction (so the rows are written frozen and all-visible: no hint-bit
  rewrite or VACUUM needed afterwards);
* drops the secondary indexes and the foreign keys of (and to) the tables it fills
  before loading and recreates them afterwards from the definitions it read in
  ``pg_indexes`` / ``pg_constraint`` (two connections in parallel, raised
  ``maintenance_work_mem``), so the schema ends exactly as ``migrate`` left it;
  re-adding a foreign key validates every row against its target;
* sets the id sequences to the highest id and runs ANALYZE.

Deterministic: the same ``enterprises``, ``records``, ``seed`` and ``as_of`` give the
same rows (ids included). Everything random comes from ``random.Random`` streams seeded
by the seed; timestamps derive from the dates, never from the clock.

Shapes of the data (on top of :mod:`enterprises.demo`'s shares of subject types,
industries, enterprise types, record kinds, departments, severities, disclosure levels):

* enterprise names are region + brand + industry word + form; the brand is 2–3
  characters drawn from :data:`BRAND_POOL` with Zipf-like weights, so that two-character
  substrings range from very common to rare; a name is unique within its
  (region, industry word) bucket;
* ``search_pinyin`` / ``search_initials`` are exactly what
  :func:`enterprises.pinyin.search_keys` gives, computed from the pinyin of the name's
  parts (see :class:`NameKeys`) instead of calling pypinyin per row;
* each enterprise gets the demo's records plus a top-up (older tax ratings, licences,
  penalties and other information) so that the total is exactly ``records``;
* :data:`DUE_SHARE` (5 %) of all records are active negative records whose publicity end
  is already past on ``as_of``: the backlog the expiry benchmark works on; other
  past-end negative records are expired, a few repaired or revoked;
* the first :data:`BENCHMARK_SUBJECTS` enterprises (ids 1–20) have exactly
  :data:`BENCHMARK_RECORDS` public records each (the credit-file benchmark);
* about 3 % of enterprises are on a black list and 5 % on a red list (as lists.demo).

SQLite is not supported here: the small demo keeps the ORM path.
"""

from __future__ import annotations

import datetime as dt
import math
import queue
import random
import threading
import time
from bisect import bisect
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

import psycopg
from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT

from enterprises.models import Department, Disclosure, JobRun, RecordState, Severity, Subject
from enterprises.pinyin import _OTHER, _mark_other, name_keys
from rules.kinds import RecordKind

from .. import subjects as demo
from ..subjects import (
    NEGATIVE_ENTRIES,
    PENALTIES,
    PERSON_JUDGEMENT,
    QUAL_SAFETY,
    City,
    DemoDataRefused,
    Industry,
    SubjectRows,
    _Context,
    _day,
    add_years,
    plan,
)

K = RecordKind
ST = Subject.SubjectType

PROVINCE_ENTERPRISES = 2_580_000
PROVINCE_RECORDS = 10_000_000
SCALES = {"province": (PROVINCE_ENTERPRISES, PROVINCE_RECORDS)}

DUE_SHARE = 0.05
BENCHMARK_SUBJECTS = 20
BENCHMARK_RECORDS = 200

# The tables this module fills, in load order.
SUBJECTS = "enterprises_subject"
FORMER_NAMES = "enterprises_formername"
RECORDS = "enterprises_creditrecord"
LIST_ENTRIES = "lists_listentry"
TABLES = (SUBJECTS, FORMER_NAMES, RECORDS, LIST_ENTRIES)

SUBJECT_COLUMNS = (
    "id",
    "subject_type",
    "name",
    "uscc",
    "uscc_override",
    "uscc_override_reason",
    "id_number",
    "legal_representative",
    "enterprise_type",
    "established_on",
    "address",
    "registered_capital",
    "business_scope",
    "registration_status",
    "region_id",
    "industry_id",
    "search_pinyin",
    "search_initials",
    "rescore_requested_at",
    "created_at",
    "updated_at",
)
FORMER_NAME_COLUMNS = ("id", "subject_id", "name", "used_until")
RECORD_COLUMNS = (
    "id",
    "subject_id",
    "department_id",
    "kind",
    "decision_date",
    "document_number",
    "legal_basis",
    "title",
    "content",
    "disclosure",
    "severity",
    "publicity_end",
    "state",
    "state_changed_at",
    "penalty_type",
    "fine_amount",
    "amount",
    "valid_from",
    "valid_until",
    "tax_credit_level",
    "tax_year",
    "created_at",
    "updated_at",
)
LIST_ENTRY_COLUMNS = (
    "id",
    "credit_list_id",
    "subject_id",
    "department_id",
    "status",
    "reason",
    "document_number",
    "disclosure",
    "times_listed",
    "proposed_on",
    "notified_on",
    "objection_deadline",
    "objection_deadline_provisional",
    "listed_on",
    "term_end",
    "obligation_fulfilled_on",
    "removal_due",
    "removal_due_provisional",
    "removed_on",
    "removal_reason",
    "created_at",
    "updated_at",
)

# Characters of brand names (字号), most common first. Every one has a single reading in
# pypinyin, in its character table and in every phrase that contains it, so a brand's
# pinyin never depends on its neighbours (tests/test_bulkseed.py checks this list).
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
# Zipf-like weight of the k-th character: the top few dozen carry most brands, the tail
# hundreds make rare pairs.
BRAND_ZIPF_SHIFT = 8
THREE_CHARACTER_BRANDS = 0.3
LOCAL_BRANDS = 0.06  # chance of a city's own brand word (西子, 甬兴 …)

# Expected records of other subject types (enterprises.demo): social organisations 0.16,
# public institutions 0.62; natural persons take whatever is left to reach the total.
OTHER_RECORDS_PER_SUBJECT = {ST.SOCIAL_ORGANISATION: 0.16, ST.PUBLIC_INSTITUTION: 0.62}
PERSON_RECORDS = 1.5
# How far above its target line the running record count may drift before an
# enterprise's own records are trimmed.
SLACK = 30
# Extra records per enterprise, drawn before the top-up is capped by the target line.
TOP_UP_COUNTS = ((0, 30), (1, 30), (2, 22), (3, 12), (4, 6))
TOP_UP_KINDS = (("tax", 35), ("licence", 30), ("penalty", 18), ("negative", 12), ("trust", 5))


class BulkSeedRefused(DemoDataRefused):
    pass


# --- Pinyin of names from their parts -------------------------------------------------------


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


# --- The generator ---------------------------------------------------------------------------


_Weighted = demo._Weighted


@dataclass
class Totals:
    subjects: int = 0
    enterprises: int = 0
    other_subjects: int = 0
    records: int = 0
    former_names: int = 0
    list_entries: int = 0
    due: int = 0
    kinds: dict[str, int] = field(default_factory=dict)


class BulkGenerator(demo._Generator):
    """The demo generator with province-scale names, record totals and the expiry backlog.

    ``run`` yields :class:`SubjectRows` in id order; the caller numbers subjects and
    records from 1 in that order.
    """

    def __init__(self, *, seed: int, as_of: dt.date, enterprises: int, records: int) -> None:
        super().__init__(seed=seed, as_of=as_of)
        self.counts = plan(enterprises)
        self.records_target = records
        self.keys = NameKeys()
        weights = [1.0 / (rank + BRAND_ZIPF_SHIFT) for rank in range(len(BRAND_POOL))]
        self.brand_cumulative = list(accumulate(weights))
        self.brand_total = self.brand_cumulative[-1]
        self.brand_index = {c: i for i, c in enumerate(BRAND_POOL)}
        self.used_brands: dict[tuple[str, str], set[int]] = {}
        self.top_up_counts = _Weighted(TOP_UP_COUNTS)
        self.top_up_kinds = _Weighted(TOP_UP_KINDS)
        self.totals = Totals()
        self.benchmark = min(BENCHMARK_SUBJECTS, enterprises)
        benchmark_records = self.benchmark * BENCHMARK_RECORDS
        others = sum(self.counts[kind] * share for kind, share in OTHER_RECORDS_PER_SUBJECT.items())
        # Leave room for the natural persons, who take up the difference at the end.
        reserve = (
            others + 4 * math.sqrt(others + 1) + 5 + PERSON_RECORDS * self.counts[ST.NATURAL_PERSON]
        )
        self.benchmark_total = benchmark_records  # written before the line starts
        self.line_records = max(0.0, records - benchmark_records - reserve)
        self.line_subjects = max(1, enterprises - self.benchmark)
        self.line_done = 0  # enterprises on the line so far
        self.person_quota: list[int] = []

    # -- names ------------------------------------------------------------------------------

    def pool_brand(self) -> tuple[str, int]:
        rng = self.rng
        cumulative, total, pool = self.brand_cumulative, self.brand_total, BRAND_POOL
        length = 3 if rng.random() < THREE_CHARACTER_BRANDS else 2
        code = 0
        chars: list[str] = []
        previous = -1
        while len(chars) < length:
            index = bisect(cumulative, rng.random() * total)
            if index == previous:
                continue
            previous = index
            chars.append(pool[index])
            code = code * len(pool) + index
        if length == 3:
            code += len(pool) ** 2
        return "".join(chars), code

    def brand_code(self, brand: str) -> int | None:
        """The code :meth:`pool_brand` gives ``brand``, None if it cannot draw it."""
        index = self.brand_index
        if len(brand) not in (2, 3) or any(c not in index for c in brand):
            return None
        code = 0
        for char in brand:
            code = code * len(BRAND_POOL) + index[char]
        return code + (len(BRAND_POOL) ** 2 if len(brand) == 3 else 0)

    def brand_for(self, prefix: str, city: City, word: str) -> tuple[str, bool]:
        """A brand unique in its (prefix, word) bucket and whether it is a pool brand."""
        used = self.used_brands.setdefault((prefix, word), set())
        rng = self.rng
        if prefix != "浙江" and rng.random() < LOCAL_BRANDS:
            position = rng.randrange(len(city.brands))
            local = city.brands[position]
            # A local word made of pool characters (嘉禾) shares the pool brand's code.
            code = self.brand_code(local)
            if code is None:
                code = -1 - position
            if code not in used:
                used.add(code)
                return local, False
        while True:
            brand, code = self.pool_brand()
            if code not in used:
                used.add(code)
                return brand, True

    # -- subjects ---------------------------------------------------------------------------

    def run_all(self) -> Any:
        index = 0
        makers: list[tuple[str, Callable[[int], SubjectRows]]] = [
            (ST.ENTERPRISE, self.enterprise),
            (ST.SOCIAL_ORGANISATION, self.social_organisation),
            (ST.PUBLIC_INSTITUTION, self.public_institution),
            (ST.NATURAL_PERSON, self.natural_person),
        ]
        for subject_type, make in makers:
            if subject_type == ST.NATURAL_PERSON:
                self.plan_persons()
            for number in range(self.counts[subject_type]):
                rows = make(number)
                rows.index = index
                index += 1
                self.finish_subject(rows)
                yield rows
        if self.totals.records != self.records_target:
            raise RuntimeError(
                f"bulk seed produced {self.totals.records} records, not {self.records_target}"
            )

    def enterprise(self, number: int) -> SubjectRows:
        rng = self.rng
        draw = self.enterprise_draw()
        prefix, word, form = draw.prefix, draw.word, draw.form
        city, county_code, industry = draw.city, draw.county_code, draw.industry
        established = draw.established
        brand, pooled = self.brand_for(prefix, city, word)
        group = "（集团）" if rng.random() < draw.etype.group else ""
        subject = self.enterprise_subject(draw, prefix + brand + word + group + form)
        status = subject["registration_status"]
        brand_at = 1 if pooled else -1
        keys = [self.keys.compose((prefix, brand, word + group + form), brand_at)]
        rows = SubjectRows(index=0, subject=subject)
        former = self.former_form(draw)
        if former is not None:
            old_form, used_until = former
            rows.former_names.append(
                {"name": prefix + brand + word + old_form, "used_until": used_until}
            )
            keys.append(self.keys.compose((prefix, brand, word + old_form), brand_at))
        subject["search_pinyin"], subject["search_initials"] = combine_keys(keys)
        if number < self.benchmark:
            self.benchmark_records(rows, city, county_code, industry, established)
            return rows
        self.enterprise_records(rows, city, county_code, industry, established, status, number)
        ctx = _Context(rows.subject, city, county_code, industry, established)
        self.line_done += 1
        line = self.benchmark_total + round(self.line_records * self.line_done / self.line_subjects)
        have = self.totals.records + len(rows.records)
        if have < line:
            extra = min(self.top_up_counts.pick(self.record_rng), line - have)
            for _turn in range(extra):
                self.top_up(ctx, rows)
        elif have > line + SLACK:
            del rows.records[max(0, line + SLACK - self.totals.records) :]
        return rows

    def top_up(self, ctx: _Context, rows: SubjectRows) -> None:
        """One more record of an enterprise's history."""
        rng = self.record_rng
        what = self.top_up_kinds.pick(rng)
        if what == "tax":
            have = {r["tax_year"] for r in rows.records if r["kind"] == K.TAX_CREDIT_RATING}
            latest = self.latest_tax_year()
            years = [
                y
                for y in range(latest - 5, latest + 1)
                if y not in have and y >= ctx.established.year
            ]
            if years:
                self.tax_rating(ctx, rows, rng.choice(years))
                return
            what = "licence"
        if what == "licence":
            self.licence(ctx, rows, rng.choice(ctx.industry.licences))
        elif what == "penalty":
            self.penalty(ctx, rows)
        elif what == "negative":
            entry = self.negatives.pick(rng)
            if entry.industries and ctx.industry.code not in entry.industries:
                self.penalty(ctx, rows)
            else:
                self.entry(ctx, rows, entry)
        else:
            self.entry(ctx, rows, self.trusts.pick(rng))

    def benchmark_records(
        self, rows: SubjectRows, city: City, county: str, industry: Industry, established: dt.date
    ) -> None:
        """Exactly BENCHMARK_RECORDS public records in publicity (the credit-file benchmark)."""
        rng = self.record_rng
        ctx = _Context(rows.subject, city, county, industry, established)
        latest = self.latest_tax_year()
        for tax_year in range(max(latest - 5, established.year), latest + 1):
            self.tax_rating(ctx, rows, tax_year)
        licences = industry.licences + (industry.qualifications or (QUAL_SAFETY,))
        negatives = [
            e for e in NEGATIVE_ENTRIES if not e.industries or industry.code in e.industries
        ]
        while len(rows.records) < BENCHMARK_RECORDS:
            roll = rng.random()
            if roll < 0.5:
                self.licence(ctx, rows, rng.choice(licences))
            elif roll < 0.75:
                self.penalty(ctx, rows)
            elif roll < 0.88:
                self.entry(ctx, rows, rng.choice(negatives))
            else:
                self.entry(ctx, rows, self.trusts.pick(rng))
            record = rows.records[-1]
            end = record["publicity_end"]
            if record["severity"] and end is not None and end < self.as_of:
                rows.records.pop()  # would be due or expired: not what the benchmark needs
        for record in rows.records:
            record["disclosure"] = Disclosure.PUBLIC
            record["state"] = RecordState.ACTIVE
            record["state_changed_at"] = None
            record["benchmark"] = True

    def plan_persons(self) -> None:
        """Natural persons come last and take up exactly what is left of the total."""
        persons = self.counts[ST.NATURAL_PERSON]
        left = self.records_target - self.totals.records
        if left < 0 or (persons == 0 and left != 0):
            raise RuntimeError(
                f"cannot reach exactly {self.records_target} records "
                f"({self.totals.records} before the natural persons)"
            )
        if persons:
            base, extra = divmod(left, persons)
            self.person_quota = [base + (1 if i < extra else 0) for i in range(persons)]

    def natural_person(self, number: int) -> SubjectRows:
        rng = self.rng
        city: City = self.cities.pick(rng)
        county, _county_name = rng.choice(city.counties)
        id_number, county = self.resident_id(county)
        surname = self.surnames.pick(rng)
        given = rng.choice(demo._GIVEN)
        if rng.random() < 0.75:
            given += rng.choice(demo._GIVEN)
        name = surname + given
        pinyin, initials = combine_keys([self.keys.compose((surname, *given))])
        rows = SubjectRows(
            index=0,
            subject={
                "subject_type": ST.NATURAL_PERSON,
                "name": name,
                "uscc": None,
                "id_number": id_number,
                "legal_representative": "",
                "enterprise_type": "",
                "established_on": None,
                "address": "",
                "registered_capital": None,
                "business_scope": "",
                "registration_status": Subject.RegistrationStatus.EXISTING,
                "region_id": county,
                "industry_id": None,
                "search_pinyin": pinyin,
                "search_initials": initials,
            },
        )
        ctx = _Context(rows.subject, city, county, demo.INDUSTRY_BY_CODE["O"], dt.date(2000, 1, 1))
        ctx.legal_representative = name
        record_rng = self.record_rng
        transport = [v for v in PENALTIES if v.dept == "zj-transport"][-1]
        for _turn in range(self.person_quota[number]):
            if record_rng.random() < 0.6:
                self.entry(ctx, rows, PERSON_JUDGEMENT)
            else:
                self.penalty_from(ctx, rows, transport)
        # Natural persons' information is not public (Zhejiang regulation 2018).
        for record in rows.records:
            record["disclosure"] = (
                Disclosure.PARTIAL if record_rng.random() < 0.8 else Disclosure.GOVERNMENT
            )
        return rows

    def social_organisation(self, number: int) -> SubjectRows:
        rows = super().social_organisation(number)
        self.name_keys_of(rows)
        return rows

    def public_institution(self, number: int) -> SubjectRows:
        rows = super().public_institution(number)
        self.name_keys_of(rows)
        return rows

    def name_keys_of(self, rows: SubjectRows) -> None:
        """Keys of an organisation's name: the place part and the rest, cached."""
        name = rows.subject["name"]
        split = self.place_length(name)
        parts = (name[:split], name[split:]) if 0 < split < len(name) else (name,)
        pinyin, initials = combine_keys([self.keys.compose(parts)])
        rows.subject["search_pinyin"] = pinyin
        rows.subject["search_initials"] = initials

    @staticmethod
    def place_length(name: str) -> int:
        for marker in ("街道", "区", "县", "市"):
            position = name.rfind(marker)
            if position > 0:
                return position + len(marker)
        return 0

    # -- records: publicity end now, state once the subject's records are final ------------

    def finish_negative(self, record: dict[str, Any], rows: SubjectRows) -> None:
        day: dt.date = record["decision_date"]
        serious = record["severity"] == Severity.SERIOUS
        if record["kind"] == K.PENALTY:
            if record["penalty_type"] in demo.PERMANENT_PENALTIES:
                end = None
            else:
                end = add_years(day, 5 if serious else 3)
        else:
            end = add_years(day, 3 if serious else 1)
        record["publicity_end"] = end
        rows.records.append(record)

    def finish_subject(self, rows: SubjectRows) -> None:
        """States of negative records (DOMAIN §6) and the running totals.

        Past its end a record is normally expired, but while the due records are fewer
        than DUE_SHARE of all records so far, it stays active: the backlog of the expiry
        job. A few are repaired (after the minimum year) or revoked."""
        rng = self.record_rng
        totals = self.totals
        as_of = self.as_of
        for record in rows.records:
            if record.pop("benchmark", False) or not record["severity"]:
                continue
            day: dt.date = record["decision_date"]
            end: dt.date | None = record["publicity_end"]
            roll = rng.random()
            earliest_repair = add_years(day, 1)
            latest_repair = min(as_of, end) if end is not None else as_of
            past = end is not None and end < as_of
            if past and totals.due < DUE_SHARE * (totals.records + 1) and 0.04 <= roll <= 0.995:
                totals.due += 1  # stays active: due for expiry
            elif roll < 0.04 and end is not None and earliest_repair <= latest_repair:
                record["state"] = RecordState.REPAIRED
                record["state_changed_at"] = demo._at(_day(rng, earliest_repair, latest_repair), 10)
            elif roll > 0.995 and day + dt.timedelta(days=60) <= as_of:
                record["state"] = RecordState.REVOKED
                record["state_changed_at"] = demo._at(
                    day + dt.timedelta(days=rng.randint(10, 60)), 15
                )
            elif past:
                assert end is not None
                record["state"] = RecordState.EXPIRED
                record["state_changed_at"] = demo._at(end + dt.timedelta(days=1))
        totals.subjects += 1
        if rows.subject["subject_type"] == ST.ENTERPRISE:
            totals.enterprises += 1
        else:
            totals.other_subjects += 1
        totals.records += len(rows.records)
        totals.former_names += len(rows.former_names)


# --- COPY text rows --------------------------------------------------------------------------

_NULL = "\\N"


def _text(value: Any) -> str:
    return _NULL if value is None else str(value)


def _stamp(value: dt.datetime | None) -> str:
    return _NULL if value is None else value.isoformat(sep=" ")


class _Lines:
    """Rows of one table as COPY text lines, handed to a COPY stream in large blocks."""

    def __init__(self, copy: Any, block: int = 1 << 20) -> None:
        self.copy = copy
        self.block = block
        self.parts: list[str] = []
        self.size = 0

    def add(self, line: str) -> None:
        self.parts.append(line)
        self.size += len(line)
        if self.size >= self.block:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.copy.write("".join(self.parts))
            self.parts = []
            self.size = 0


def subject_line(sid: int, s: dict[str, Any], stamp: str) -> str:
    return (
        f"{sid}\t{s['subject_type']}\t{s['name']}\t{_text(s['uscc'])}\tf\t\t{s['id_number']}\t"
        f"{s['legal_representative']}\t{s['enterprise_type']}\t{_text(s['established_on'])}\t"
        f"{s['address']}\t{_text(s['registered_capital'])}\t{s['business_scope']}\t"
        f"{s['registration_status']}\t{s['region_id']}\t{_text(s['industry_id'])}\t"
        f"{s['search_pinyin']}\t{s['search_initials']}\t\\N\t{stamp}\t{stamp}\n"
    )


def record_line(rid: int, sid: int, department: int, r: dict[str, Any]) -> str:
    created = f"{r['decision_date']} 10:00:00+08"
    changed = r["state_changed_at"]
    updated = created if changed is None else changed.isoformat(sep=" ")
    return (
        f"{rid}\t{sid}\t{department}\t{r['kind']}\t{r['decision_date']}\t"
        f"{r['document_number']}\t{r['legal_basis']}\t{r['title']}\t{r['content']}\t"
        f"{r['disclosure']}\t{r['severity']}\t{_text(r['publicity_end'])}\t{r['state']}\t"
        f"{_stamp(changed)}\t{r['penalty_type']}\t{_text(r['fine_amount'])}\t"
        f"{_text(r['amount'])}\t{_text(r['valid_from'])}\t{_text(r['valid_until'])}\t"
        f"{r['tax_credit_level']}\t{_text(r['tax_year'])}\t{created}\t{updated}\n"
    )


# --- List entries (as lists.demo, without model instances) -------------------------------------

BLACK_SHARE = 0.03
RED_SHARE = 0.05


@dataclass(frozen=True)
class _List:
    id: int
    slug: str
    is_black: bool
    term_months: int | None
    objection_working_days: int
    removal_working_days: int | None
    end_rule: str
    authority_id: int


class ListEntries:
    """Black and red list entries of enterprises, drawn like ``lists.demo.demo_lists``."""

    def __init__(self, *, seed: int, as_of: dt.date) -> None:
        from lists.models import CreditList

        from ..lists import REASONS

        self.rng = random.Random(f"lists-{seed}")
        self.as_of = as_of
        self.reasons = REASONS
        lists = [
            _List(
                x.pk,
                x.slug,
                x.is_black,
                x.term_months,
                x.objection_working_days,
                x.removal_working_days,
                x.end_rule,
                x.authority_id,
            )
            for x in CreditList.objects.all().order_by("slug")
        ]
        self.black = [x for x in lists if x.is_black]
        self.red = [x for x in lists if not x.is_black]
        self.workdays: dict[tuple[dt.date, int], Any] = {}
        self.next_id = 1

    def _add_working_days(self, day: dt.date, n: int) -> Any:
        from rules.workdays import add_working_days

        key = (day, n)
        deadline = self.workdays.get(key)
        if deadline is None:
            deadline = self.workdays[key] = add_working_days(day, n)
        return deadline

    def lines(self, subject_id: int) -> list[str]:
        rng = self.rng
        if not self.black or not self.red:
            return []
        roll = rng.random()
        if roll < BLACK_SHARE:
            chosen = rng.sample(self.black, k=1 + (rng.random() < 0.15))
        elif roll < BLACK_SHARE + RED_SHARE:
            chosen = rng.sample(self.red, k=1 + (rng.random() < 0.2))
        else:
            return []
        return [self._line(credit_list, subject_id) for credit_list in chosen]

    def _line(self, credit_list: _List, subject_id: int) -> str:
        from lists.models import CreditList

        rng = self.rng
        as_of = self.as_of
        months = credit_list.term_months or 36
        listed_on = as_of - dt.timedelta(days=rng.randint(1, 30 * months + 200))
        notified_on = listed_on - dt.timedelta(days=rng.randint(16, 30))
        deadline = self._add_working_days(notified_on, credit_list.objection_working_days)
        term_end = (
            listed_on + relativedelta(months=months, days=-1) if credit_list.term_months else None
        )
        status = "listed"
        reason = rng.choice(self.reasons.get(credit_list.slug, ["依法列入"]))
        disclosure = Disclosure.PUBLIC if rng.random() < 0.97 else Disclosure.GOVERNMENT
        fulfilled = removal_due = removed_on = None
        removal_due_provisional = False
        removal_reason = ""
        if term_end is not None and term_end < as_of:
            status = "removed"
            removed_on = term_end + dt.timedelta(days=1)
            removal_reason = "term_over"
        elif (
            credit_list.end_rule
            in (CreditList.EndRule.OBLIGATION, CreditList.EndRule.TERM_OR_OBLIGATION)
            and rng.random() < 0.2
        ):
            day = listed_on + dt.timedelta(days=rng.randint(30, 300))
            if day < as_of - dt.timedelta(days=10):
                due = self._add_working_days(day, credit_list.removal_working_days or 0)
                fulfilled, removal_due = day, due.date
                removal_due_provisional = due.provisional
                status = "removed"
                removed_on = removal_due
                removal_reason = "obligation_fulfilled"
        black = credit_list.is_black
        entry_id = self.next_id
        self.next_id += 1
        created = f"{notified_on - dt.timedelta(days=3)} 10:00:00+08"
        updated = f"{removed_on or listed_on} 01:00:00+08"
        fields = (
            entry_id,
            credit_list.id,
            subject_id,
            credit_list.authority_id,
            status,
            reason,
            f"DEMO-{credit_list.slug}-{subject_id}",
            disclosure,
            1,
            notified_on - dt.timedelta(days=3),
            notified_on if black else None,
            deadline.date if black else None,
            "t" if black and deadline.provisional else "f",
            listed_on,
            term_end,
            fulfilled,
            removal_due,
            "t" if removal_due_provisional else "f",
            removed_on,
            removal_reason,
            created,
            updated,
        )
        return "\t".join(_text(value) for value in fields) + "\n"


# --- Schema: what is dropped for the load and put back after -------------------------------------


@dataclass(frozen=True)
class SchemaItem:
    """An index, an index-backed constraint (unique, exclusion) or a foreign key."""

    table: str
    name: str
    kind: str  # "index", "constraint" or "fk"
    definition: str  # CREATE INDEX …, or the constraint definition
    index_definition: str = ""  # of the index behind a constraint

    def drop_sql(self) -> str:
        if self.kind == "index":
            return f'DROP INDEX "{self.name}"'
        return f'ALTER TABLE "{self.table}" DROP CONSTRAINT "{self.name}"'

    def build_sql(self) -> str | None:
        """The slow part, run in parallel: the index (also the one behind a constraint)."""
        if self.kind == "index":
            return self.definition
        if self.attach_sql() is not None:
            return self.index_definition
        return None

    def attach_sql(self) -> str | None:
        """A plain unique constraint adopts its index, built beforehand, at no cost."""
        if (
            self.kind == "constraint"
            and self.definition.startswith("UNIQUE (")
            and "DEFERRABLE" not in self.definition
            and self.index_definition
        ):
            return (
                f'ALTER TABLE "{self.table}" ADD CONSTRAINT "{self.name}" '
                f'UNIQUE USING INDEX "{self.name}"'
            )
        return None

    def constraint_sql(self) -> str | None:
        if self.kind == "index":
            return None
        attach = self.attach_sql()
        if attach is not None:
            return attach
        return f'ALTER TABLE "{self.table}" ADD CONSTRAINT "{self.name}" {self.definition}'


def schema_snapshot(cursor: Any) -> list[tuple[str, ...]]:
    """Every index and constraint of the public schema with its definition: equal before
    and after a bulk load (tests compare them)."""
    cursor.execute(
        "SELECT 'index', tablename, indexname, indexdef FROM pg_indexes "
        "WHERE schemaname = 'public' "
        "UNION ALL "
        "SELECT 'constraint', c.conrelid::regclass::text, c.conname, "
        "pg_get_constraintdef(c.oid) || ' valid=' || c.convalidated "
        "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE n.nspname = 'public' ORDER BY 1, 2, 3"
    )
    return [tuple(row) for row in cursor.fetchall()]


def _load_schema_items(cursor: Any) -> list[SchemaItem]:
    """Secondary indexes, index-backed unique constraints of the tables we fill, and every
    foreign key from or to them. Primary keys and CHECK constraints stay (they are cheap
    and check every row as it arrives)."""
    tables = list(TABLES)
    cursor.execute(
        "SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid), "
        "COALESCE(pg_get_indexdef(c.conindid), '') "
        "FROM pg_constraint c "
        "WHERE c.contype IN ('u', 'x', 'f') AND (c.conrelid::regclass::text = ANY(%s) "
        "OR (c.contype = 'f' AND c.confrelid::regclass::text = ANY(%s))) "
        "ORDER BY 1, 2",
        [tables, tables],
    )
    items: list[SchemaItem] = []
    for table, name, contype, definition, index_definition in cursor.fetchall():
        if contype == "f":
            items.append(SchemaItem(table, name, "fk", definition))
        else:
            items.append(SchemaItem(table, name, "constraint", definition, index_definition))
    cursor.execute(
        "SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i "
        "JOIN pg_class c ON c.relname = i.indexname "
        "JOIN pg_index x ON x.indexrelid = c.oid "
        "WHERE i.schemaname = 'public' AND i.tablename = ANY(%s) AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid) "
        "ORDER BY 1, 2",
        [tables],
    )
    django_sql = _django_index_sql()
    for table, name, definition in cursor.fetchall():
        items.append(SchemaItem(table, name, "index", django_sql.get(name, definition)))
    return items


def _django_index_sql() -> dict[str, str]:
    """CREATE INDEX statements exactly as ``migrate`` ran them for the models' named
    indexes and conditional unique constraints. ``pg_indexes`` shows a deparsed form that
    does not always deparse to itself again (``state IN (…)`` comes back with different
    casts), so those are rebuilt from the models; other indexes from ``pg_indexes``."""
    from django.db.models import UniqueConstraint

    from enterprises.models import CreditRecord, FormerName
    from lists.models import ListEntry

    statements: dict[str, str] = {}
    with connection.schema_editor(collect_sql=True) as editor:
        for model in (Subject, FormerName, CreditRecord, ListEntry):
            for index in model._meta.indexes:
                statements[str(index.name)] = str(index.create_sql(model, editor))
            for constraint in model._meta.constraints:
                if isinstance(constraint, UniqueConstraint) and (
                    constraint.condition is not None or constraint.expressions
                ):
                    statements[constraint.name] = str(constraint.create_sql(model, editor))
    return statements


def _run_parallel(
    statements: Sequence[tuple[str, str]],
    conninfo: dict[str, Any],
    *,
    workers: int = 2,
    setup: Sequence[str] = (),
) -> dict[str, float]:
    """Run (label, sql) statements on ``workers`` connections, in the order given; return
    seconds per label. Each statement commits on its own."""
    work: queue.Queue[tuple[str, str]] = queue.Queue()
    for item in statements:
        work.put(item)
    seconds: dict[str, float] = {}
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with psycopg.connect(**conninfo, autocommit=True) as conn:
                for sql in setup:
                    conn.execute(sql)
                while not errors:
                    try:
                        label, sql = work.get_nowait()
                    except queue.Empty:
                        return
                    started = time.monotonic()
                    conn.execute(sql)  # type: ignore[arg-type]
                    seconds[label] = time.monotonic() - started
        except BaseException as error:  # reported by the caller
            errors.append(error)

    threads = [threading.Thread(target=worker) for _n in range(max(1, workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return seconds


# --- The load --------------------------------------------------------------------------------


@dataclass
class BulkSeedResult:
    enterprises: int = 0
    other_subjects: int = 0
    records: int = 0
    former_names: int = 0
    list_entries: int = 0
    due_records: int = 0
    benchmark_subjects: list[tuple[int, str, str]] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)
    slow_pinyin: int = 0
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
            "list_entries": self.list_entries,
            "due_records": self.due_records,
        }


def _conninfo() -> dict[str, Any]:
    db = settings.DATABASES["default"]
    info: dict[str, Any] = {"dbname": db["NAME"]}
    for key, name in (
        ("USER", "user"),
        ("PASSWORD", "password"),
        ("HOST", "host"),
        ("PORT", "port"),
    ):
        if db.get(key):
            info[name] = db[key]
    return info


def bulk_seed(
    *,
    enterprises: int,
    records: int,
    seed: int,
    as_of: dt.date | None = None,
    force: bool = False,
    workers: int = 2,
    on_progress: Callable[[int, int], None] | None = None,
    on_phase: Callable[[str, float], None] | None = None,
) -> BulkSeedResult:
    """Fill an empty PostgreSQL database (or, with ``force``, replace its subjects and
    everything that hangs off them) with ``enterprises`` enterprises, the other subject
    types in the demo's shares and exactly ``records`` credit records, through COPY."""
    if connection.vendor != "postgresql":
        raise BulkSeedRefused(
            _(
                "--bulk needs PostgreSQL (set DATABASE_URL); on SQLite use seed_demo without "
                "--bulk, which writes through the ORM."
            ),
            field="bulk",
        )
    if settings.PRODUCTION and not force:
        raise BulkSeedRefused(
            _(
                "This is a production site (DJANGO_ENV=production): demo data is not "
                "written there unless you pass --force."
            ),
            field="force",
        )
    if enterprises < 0 or records < 0:
        raise BulkSeedRefused(_("Counts must be 0 or more."), field="enterprises")
    needed = min(BENCHMARK_SUBJECTS, enterprises) * BENCHMARK_RECORDS
    if records < needed:
        raise BulkSeedRefused(
            _(
                "--records must be at least %(n)d: the first %(subjects)d enterprises get "
                "%(each)d records each (the credit-file benchmark)."
            )
            % {
                "n": needed,
                "subjects": min(BENCHMARK_SUBJECTS, enterprises),
                "each": BENCHMARK_RECORDS,
            },
            field="records",
        )
    existing = Subject.objects.count()
    if existing and not force:
        raise BulkSeedRefused(
            _(
                "The database already holds %(n)d credit subjects; a bulk load goes into an "
                "empty database, or pass --force to replace them (and everything that refers "
                "to them)."
            )
            % {"n": existing},
            field="force",
        )
    as_of = as_of or timezone.localdate()
    departments = dict(Department.objects.values_list("code", "pk"))
    missing = sorted(code for code in demo._department_codes() if code not in departments)
    if missing:
        raise BulkSeedRefused(
            _("Reference data is missing (departments %(codes)s): run manage.py migrate.")
            % {"codes": ", ".join(missing)},
            field="department",
        )
    result = BulkSeedResult()
    conninfo = _conninfo()

    def phase(name: str, started: float) -> None:
        result.phases[name] = time.monotonic() - started
        if on_phase is not None:
            on_phase(name, result.phases[name])

    # 1. Drop what slows COPY down (remembering it exactly).
    started = time.monotonic()
    with connection.cursor() as cursor:
        if existing:
            cursor.execute("TRUNCATE " + ", ".join(TABLES) + " CASCADE")
        items = _load_schema_items(cursor)
        with transaction.atomic():
            for item in sorted(items, key=lambda i: i.kind != "fk"):  # foreign keys first
                cursor.execute(item.drop_sql())
    job = JobRun.objects.create(name="seed_demo", total=sum(plan(enterprises).values()))
    result.job_id = job.pk
    phase("drop", started)

    # 2. Generate and COPY.
    started = time.monotonic()
    generator = BulkGenerator(seed=seed, as_of=as_of, enterprises=enterprises, records=records)
    entries = ListEntries(seed=seed, as_of=as_of)
    stamp = f"{as_of} 00:00:00+08"
    record_id = 0
    former_id = 0
    try:
        with ExitStack() as stack:
            copies = {}
            conns = {}
            for table, columns in (
                (SUBJECTS, SUBJECT_COLUMNS),
                (FORMER_NAMES, FORMER_NAME_COLUMNS),
                (RECORDS, RECORD_COLUMNS),
                (LIST_ENTRIES, LIST_ENTRY_COLUMNS),
            ):
                conn = stack.enter_context(psycopg.connect(**conninfo))
                conn.execute("SET synchronous_commit = off")
                conn.execute(f"TRUNCATE {table}")  # same transaction: COPY FREEZE allowed
                copy_cursor = stack.enter_context(conn.cursor())
                copy = stack.enter_context(
                    copy_cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FREEZE)")
                )
                copies[table] = _Lines(copy)
                conns[table] = conn
            subjects_out, formers_out = copies[SUBJECTS], copies[FORMER_NAMES]
            records_out, entries_out = copies[RECORDS], copies[LIST_ENTRIES]
            done = 0
            for rows in generator.run_all():
                sid = rows.index + 1
                subject = rows.subject
                subjects_out.add(subject_line(sid, subject, stamp))
                for former in rows.former_names:
                    former_id += 1
                    formers_out.add(
                        f"{former_id}\t{sid}\t{former['name']}\t{former['used_until']}\n"
                    )
                for record in rows.records:
                    record_id += 1
                    records_out.add(
                        record_line(record_id, sid, departments[record["department"]], record)
                    )
                if subject["subject_type"] == ST.ENTERPRISE:
                    for line in entries.lines(sid):
                        entries_out.add(line)
                    if sid <= generator.benchmark:
                        result.benchmark_subjects.append((sid, subject["uscc"], subject["name"]))
                done += 1
                if done % 5000 == 0:
                    # Feed every stream now and then: a backend blocked reading COPY data
                    # does not answer the barriers that DROP DATABASE waits for.
                    for lines in copies.values():
                        lines.flush()
                    if on_progress is not None:
                        on_progress(5000, generator.totals.records)
            for lines in copies.values():
                lines.flush()
            if on_progress is not None:
                on_progress(done % 5000, generator.totals.records)
            # Leaving the stack ends each COPY, then commits and closes its connection.
    except BaseException as error:
        JobRun.objects.filter(pk=job.pk).update(
            status=JobRun.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}"[:5000],
        )
        _restore(items, conninfo, workers)
        raise
    totals = generator.totals
    result.enterprises = totals.enterprises
    result.other_subjects = totals.other_subjects
    result.records = totals.records
    result.former_names = totals.former_names
    result.list_entries = entries.next_id - 1
    result.due_records = totals.due
    result.slow_pinyin = generator.keys.slow
    phase("copy", started)

    # 3. Indexes and unique constraints, then foreign keys (each validates every row).
    started = time.monotonic()
    try:
        _restore(items, conninfo, workers)
    except BaseException as error:
        # The rows are committed; what failed to come back is named in the error (e.g. a
        # duplicate key), and the schema lacks it until the data is fixed or reloaded.
        JobRun.objects.filter(pk=job.pk).update(
            status=JobRun.Status.FAILED,
            finished_at=timezone.now(),
            error=f"indexes or constraints not restored: {type(error).__name__}: {error}"[:5000],
        )
        raise
    phase("indexes_constraints", started)

    # 4. Sequences and statistics.
    started = time.monotonic()
    with connection.cursor() as cursor:
        for table in TABLES:
            sql = (
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - constant
                f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
            )
            cursor.execute(sql)
    _run_parallel(
        [(table, f"ANALYZE {table}") for table in (RECORDS, SUBJECTS, LIST_ENTRIES, FORMER_NAMES)],
        conninfo,
        workers=workers,
    )
    phase("analyze", started)

    with transaction.atomic():
        demo._audit_run(
            demo.SeedResult(
                enterprises=result.enterprises,
                other_subjects=result.other_subjects,
                records=result.records,
            ),
            seed,
            reason="demo data (bulk load)",
        )
        JobRun.objects.filter(pk=job.pk).update(
            status=JobRun.Status.SUCCEEDED,
            finished_at=timezone.now(),
            done=result.subjects,
            counts=result.counts(),
        )
    return result


# Rough build cost, largest first: trigram/bigram GIN indexes, then the records table.
def _cost(item: SchemaItem) -> tuple[int, str]:
    definition = item.build_sql() or ""
    size = {RECORDS: 4, SUBJECTS: 2, LIST_ENTRIES: 0, FORMER_NAMES: 0}.get(item.table, 0)
    gin = 6 if "USING gin" in definition else 0
    return (-(size + gin), item.name)


def _restore(items: Sequence[SchemaItem], conninfo: dict[str, Any], workers: int) -> None:
    """Recreate dropped indexes (in parallel, largest first), then the constraints."""
    setup = (
        "SET maintenance_work_mem = '1GB'",
        "SET max_parallel_maintenance_workers = 0",
        "SET synchronous_commit = off",
    )
    builds = [(item.name, item.build_sql()) for item in sorted(items, key=_cost)]
    _run_parallel([(n, sql) for n, sql in builds if sql], conninfo, workers=workers, setup=setup)
    attach = [(i.name, i.constraint_sql()) for i in items if i.kind == "constraint"]
    keys = [(i.name, i.constraint_sql()) for i in sorted(items, key=_cost) if i.kind == "fk"]
    _run_parallel([(n, sql) for n, sql in attach if sql], conninfo, workers=1, setup=setup)
    _run_parallel([(n, sql) for n, sql in keys if sql], conninfo, workers=workers, setup=setup)
