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

Their records are made in :mod:`demo.records` from the tables of :mod:`demo.data`.
:func:`demo.seeding.demo_seed` writes the rows in bulk (one transaction per batch, one
audit row per run, a job-run row updated per batch);
:func:`demo.officials.demo_officials_ensure` creates the demo officials of the admin.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from stdnum.cn import ric

from enterprises.models import Disclosure, Subject
from enterprises.uscc import ALPHABET, build_uscc
from rules.kinds import RecordKind

from .data.enterprise_types import (
    DISCLOSURES,
    ENTERPRISE_TYPES,
    FORMER_FORMS,
    REGISTRATION_STATUSES,
    SOLE_PROPRIETOR_FORMS,
    TAX_LEVELS,
    EnterpriseType,
)
from .data.entries import CIVILISED_UNIT, NEGATIVE_ENTRIES, TRUST_ENTRIES
from .data.industries import INDUSTRIES, INDUSTRY_BY_CODE, Industry
from .data.licences import LIC_DRAINAGE, LIC_EQUIPMENT, LIC_FIRE
from .data.names import _GIVEN, _SURNAMES, BRAND_GRID, BRAND_MARKERS, PROVINCIAL_BRANDS
from .data.organisations import (
    INSTITUTIONS,
    NUMBERED_INSTITUTIONS,
    PERSON_JUDGEMENT,
    SOCIAL_ABNORMAL,
    SOCIAL_HONOUR,
    SOCIAL_TOPICS,
    SOCIAL_TOWNS,
    SOCIAL_VOLUNTEERING,
)
from .data.penalties import PENALTIES
from .data.places import CITIES, COUNTY_CODES, ROADS, City, _county_label, _is_county_city
from .helpers import _day, _permutation_step, _Weighted, add_years, zh_numeral
from .records import _Context, _Records
from .rows import SubjectRows

ST = Subject.SubjectType
RS = Subject.RegistrationStatus

# The showcase enterprise: the first enterprise of every run, whatever the seed, has this
# name and code, so the home page's search examples (settings.SEARCH_EXAMPLES: a part of
# the name, its pinyin, its initials and the code) find it (docs/decisions.md).
SHOWCASE_NAME = "杭州示范信用数据科技有限公司"
SHOWCASE_COUNTY = ("330106", "西湖区")
SHOWCASE_BODY = "MA2CXD01"
SHOWCASE_USCC = build_uscc("91", SHOWCASE_COUNTY[0], SHOWCASE_BODY)

# Share of other subject types per enterprise, and natural persons: "a handful".
SOCIAL_ORGANISATION_SHARE = 0.02
PUBLIC_INSTITUTION_SHARE = 0.015


def plan(enterprises: int) -> dict[str, int]:
    """How many subjects of each type a run with ``enterprises`` enterprises creates."""
    return {
        ST.ENTERPRISE: enterprises,
        ST.SOCIAL_ORGANISATION: round(enterprises * SOCIAL_ORGANISATION_SHARE),
        ST.PUBLIC_INSTITUTION: round(enterprises * PUBLIC_INSTITUTION_SHARE),
        ST.NATURAL_PERSON: enterprises // 1000 + 3 if enterprises else 0,
    }


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


def generate(*, enterprises: int, seed: int, as_of: dt.date) -> Iterator[SubjectRows]:
    """Yield the demo subjects of a run, lazily: enterprises first, then social
    organisations, public institutions and natural persons (see :func:`plan`)."""
    return _Generator(seed=seed, as_of=as_of).run(plan(enterprises))


class _Generator(_Records):
    """The demo generator: subjects here, their records in :class:`demo.records._Records`."""

    def __init__(self, *, seed: int, as_of: dt.date) -> None:
        self.seed = seed
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
        body = style + "".join(reversed(chars))
        # The showcase's body is its own (an enterprise elsewhere may share it: codes
        # differ by county, but a body never reused is simpler to reason about).
        return self.org_body(style) if body == SHOWCASE_BODY else body

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
        if number == 0:
            # Drawn and dropped above, so every other subject of the seed stays the same.
            return self.showcase_enterprise()
        return rows

    def showcase_enterprise(self) -> SubjectRows:
        """The showcase enterprise (SHOWCASE_NAME, SHOWCASE_USCC): an IT firm in Hangzhou's
        Xihu district whose records come from its own random streams; document numbers
        share the run's serials, so they stay unique."""
        own = _Generator(seed=self.seed + 1_000_003, as_of=self.as_of)
        own.serials = self.serials
        draw = dataclasses.replace(
            own.enterprise_draw(),
            city=next(c for c in CITIES if c.code == "330100"),
            county_code=SHOWCASE_COUNTY[0],
            county_name=SHOWCASE_COUNTY[1],
            industry=INDUSTRY_BY_CODE["I"],
        )
        subject = own.enterprise_subject(draw, SHOWCASE_NAME)
        subject.update(uscc=SHOWCASE_USCC, registration_status=RS.EXISTING)
        rows = SubjectRows(index=0, subject=subject)
        own.enterprise_records(
            rows, draw.city, draw.county_code, draw.industry, draw.established,
            RS.EXISTING, 0,
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
