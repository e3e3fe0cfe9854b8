"""The bulk generator: the demo generator (:mod:`demo.subjects`) with province-scale
names, exact record totals, the credit-file benchmark enterprises and the expiry backlog.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from enterprises.models import Disclosure, RecordState, Subject
from rules.kinds import RecordKind

from ..data.entries import NEGATIVE_ENTRIES
from ..data.industries import INDUSTRY_BY_CODE, Industry
from ..data.licences import QUAL_SAFETY
from ..data.names import _GIVEN
from ..data.organisations import PERSON_JUDGEMENT
from ..data.penalties import PENALTIES
from ..data.places import City
from ..helpers import _at, _day, _Weighted, add_years
from ..records import _Context, revoke
from ..rows import SubjectRows
from ..subjects import _Generator, plan
from .names import BRAND_POOL, NameKeys, combine_keys

K = RecordKind
ST = Subject.SubjectType

PROVINCE_ENTERPRISES = 2_580_000
PROVINCE_RECORDS = 10_000_000
SCALES = {"province": (PROVINCE_ENTERPRISES, PROVINCE_RECORDS)}

DUE_SHARE = 0.05
BENCHMARK_SUBJECTS = 20
BENCHMARK_RECORDS = 200

# Zipf-like weight of the k-th character: the top few dozen carry most brands, the tail
# hundreds make rare pairs.
BRAND_ZIPF_SHIFT = 8
THREE_CHARACTER_BRANDS = 0.3
LOCAL_BRANDS = 0.06  # chance of a city's own brand word (西子, 甬兴 …)

# Expected records of other subject types (demo.subjects): social organisations 0.16,
# public institutions 0.62; natural persons take whatever is left to reach the total.
OTHER_RECORDS_PER_SUBJECT = {ST.SOCIAL_ORGANISATION: 0.16, ST.PUBLIC_INSTITUTION: 0.62}
PERSON_RECORDS = 1.5
# How far above its target line the running record count may drift before an
# enterprise's own records are trimmed.
SLACK = 30
# Extra records per enterprise, drawn before the top-up is capped by the target line.
TOP_UP_COUNTS = ((0, 30), (1, 30), (2, 22), (3, 12), (4, 6))
TOP_UP_KINDS = (("tax", 35), ("licence", 30), ("penalty", 18), ("negative", 12), ("trust", 5))


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


class BulkGenerator(_Generator):
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
            if record["severity"] and (
                record["state"] == RecordState.UNPUBLISHED or (end is not None and end < self.as_of)
            ):
                rows.records.pop()  # unpublished, due or expired: not what the benchmark needs
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
        given = rng.choice(_GIVEN)
        if rng.random() < 0.75:
            given += rng.choice(_GIVEN)
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
        ctx = _Context(rows.subject, city, county, INDUSTRY_BY_CODE["O"], dt.date(2000, 1, 1))
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
        self.set_publicity(record)  # the end and "unpublished" as the services set them
        rows.records.append(record)

    def finish_subject(self, rows: SubjectRows) -> None:
        """States of negative records (rules.md §3.6) and the running totals.

        Past its end a record is normally expired, but while the due records are fewer
        than DUE_SHARE of all records so far, it stays active: the backlog of the expiry
        job. A few are repaired (after the minimum year) or revoked. Information the rules
        keep unpublished (docs/rules.md §6.5) stays so: it is never due, expired or repaired."""
        rng = self.record_rng
        totals = self.totals
        as_of = self.as_of
        for record in rows.records:
            if record.pop("benchmark", False) or not record["severity"]:
                continue
            if record["state"] == RecordState.UNPUBLISHED:
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
                record["state_changed_at"] = _at(_day(rng, earliest_repair, latest_repair), 10)
            elif roll > 0.995 and day + dt.timedelta(days=60) <= as_of:
                revoke(record, day + dt.timedelta(days=rng.randint(10, 60)))
            elif past:
                assert end is not None
                record["state"] = RecordState.EXPIRED
                record["state_changed_at"] = _at(end + dt.timedelta(days=1))
        totals.subjects += 1
        if rows.subject["subject_type"] == ST.ENTERPRISE:
            totals.enterprises += 1
        else:
            totals.other_subjects += 1
        totals.records += len(rows.records)
        totals.former_names += len(rows.former_names)
