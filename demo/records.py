"""Credit records of the demo subjects: the record templates of :mod:`demo.data` made into
rows (licences, penalties, other information, tax ratings), with their publicity end
and state. A part of the generator (:class:`demo.subjects._Generator`), which draws from
``record_rng`` only here.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from enterprises.models import PenaltyType, RecordState, Severity, Subject
from rules.kinds import RecordKind
from rules.models import Jurisdiction

from .data.entries import (
    NEGATIVE_ENTRIES,
    NEGATIVE_KIND_VALUES,
    OTHER_ENTRIES,
    TRUST_ENTRIES,
    Entry,
)
from .data.industries import Industry
from .data.licences import QUAL_SAFETY, LicenceTemplate
from .data.penalties import (
    MAY_BE_SERIOUS,
    PENALTY_WORDING,
    SERIOUS_DEFAULT,
    SERIOUS_TYPES,
    SIMPLIFIED_FINE_LIMIT,
    SIMPLIFIED_SHARE,
    Violation,
)
from .data.places import CITY_MARKET_REGULATORS, City
from .helpers import _at, _day, _Weighted, add_years
from .publicity import PublicityRules
from .rows import SubjectRows

K = RecordKind
RS = Subject.RegistrationStatus
PT = PenaltyType

# Every record kind shows up in a small demo: enterprise number STRIDE*i+OFFSET gets one
# record of the i-th kind, so any N >= STRIDE * len(RecordKind) covers all of them.
SHOWCASE_STRIDE = 7
SHOWCASE_OFFSET = 3


class _Records:
    """The record-making half of the demo generator (see :mod:`demo.subjects`)."""

    record_rng: random.Random
    as_of: dt.date
    window_start: dt.date
    serials: dict[tuple[str, str], int]
    disclosures: _Weighted
    tax_levels: _Weighted
    negatives: _Weighted
    trusts: _Weighted
    penalties_by_industry: dict[str, list[Violation]]
    penalty_counts: _Weighted
    showcase: list[str]
    _publicity_rules: PublicityRules | None = None

    @property
    def publicity_rules(self) -> PublicityRules:
        """The rules' publicity of records (read from the database on first use)."""
        if self._publicity_rules is None:
            self._publicity_rules = PublicityRules()
        return self._publicity_rules

    # -- identifiers ---------------------------------------------------------------------------

    def document_number(self, dept: str, prefix: str, *, tail: str = "号", width: int = 0) -> str:
        key = (dept, prefix)
        serial = self.serials.get(key, 0) + 1
        self.serials[key] = serial
        return f"{prefix}{serial:0{width}d}{tail}"

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
            "simplified_procedure": False,
            "decision_revoked_on": None,
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
        simplified = (
            severity == Severity.MINOR
            and (penalty_type == PT.WARNING or (fine is not None and fine <= SIMPLIFIED_FINE_LIMIT))
            and self.publicity_rules.jurisdiction(dept) == Jurisdiction.ZHEJIANG
            and rng.random() < SIMPLIFIED_SHARE
        )
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
            simplified_procedure=simplified,
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

    def set_publicity(self, record: dict[str, Any]) -> bool:
        """Set the record's end of publicity by the rules (docs/rules.md §6) and say whether
        it is published; information the rules keep unpublished (§6.5) is stored as such,
        its end the decision date, as the services store it."""
        publicity = self.publicity_rules.of(record)
        record["publicity_end"] = publicity.end
        if not publicity.published:
            record["state"] = RecordState.UNPUBLISHED
        return publicity.published

    def finish_negative(self, record: dict[str, Any], rows: SubjectRows) -> None:
        """Publicity end and state of a negative record (docs/rules.md §6): past its end it
        is expired, a few are repaired or revoked; unpublished information stays so."""
        rng = self.record_rng
        day: dt.date = record["decision_date"]
        published = self.set_publicity(record)
        end: dt.date | None = record["publicity_end"]
        roll = rng.random()
        # Repair needs the minimum publicity elapsed (a year covers every edition).
        earliest_repair = add_years(day, 1)
        latest_repair = min(self.as_of, end) if end is not None else self.as_of
        if not published:
            pass
        elif roll < 0.04 and end is not None and earliest_repair <= latest_repair:
            record["state"] = RecordState.REPAIRED
            record["state_changed_at"] = _at(_day(rng, earliest_repair, latest_repair), 10)
        elif roll > 0.995 and day + dt.timedelta(days=60) <= self.as_of:
            revoke(record, day + dt.timedelta(days=rng.randint(10, 60)))
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


def revoke(record: dict[str, Any], revoked_on: dt.date) -> None:
    """The decision revoked (reconsideration, court): the record is revoked that day, and a
    penalty carries the day its decision was revoked."""
    record["state"] = RecordState.REVOKED
    record["state_changed_at"] = _at(revoked_on, 15)
    if record["kind"] == K.PENALTY:
        record["decision_revoked_on"] = revoked_on


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
