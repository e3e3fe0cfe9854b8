"""The evaluation charts on the credit file: a labelled y axis, the five grade bands of the
edition, real dates, a single-point view, points per indicator, and "unchanged since"
only when the history says so."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from enterprises import charts, scoring
from enterprises.models import Edition, Evaluation, ScoreHistory
from tests.factories import CreditRecordFactory, SubjectFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(2, 0)))


def _evaluation(scores_by_day: list[tuple[dt.date, int]]) -> Evaluation:
    """A subject with a stored evaluation and exactly this score history."""
    subject = SubjectFactory()
    scoring.subject_rescore(subject_id=subject.pk)
    evaluation = Evaluation.objects.select_related("subject", "edition").get(subject=subject)
    ScoreHistory.objects.filter(subject=subject).delete()
    for day, score in scores_by_day:
        ScoreHistory.objects.create(
            subject=subject,
            score=score,
            grade=_grade(score),
            at=_at(day),
            edition=evaluation.edition,
        )
    last_day, last_score = scores_by_day[-1]
    Evaluation.objects.filter(pk=evaluation.pk).update(
        score=last_score,
        grade=_grade(last_score),
        evaluated_at=_at(last_day),
        evaluated_on=last_day,
    )
    evaluation.refresh_from_db()
    return evaluation


def _grade(score: int) -> str:
    return (
        next(g for g, floor in zip("ABCD", (850, 800, 750, 700), strict=True) if score >= floor)
        if score >= 700
        else "E"
    )


def _render(evaluation: Evaluation, language: str = "en") -> str:
    with translation.override(language):
        return render_to_string("enterprises/_evaluation.html", {"evaluation": evaluation})


def _svg(html: str) -> str:
    return html[html.index('<figure class="score-history">') : html.index("</figure>")]


def _band(svg: str, grade: str) -> tuple[float, float]:
    match = re.search(
        rf'<rect class="band band-{grade}" x="[\d.]+" y="([\d.]+)" '
        rf'width="[\d.]+" height="([\d.]+)"',
        svg,
    )
    assert match, f"no band {grade}"
    top, height = float(match[1]), float(match[2])
    return top, top + height


def test_chart_has_a_labelled_y_axis_five_bands_and_real_dates():
    first, second, third = (TODAY - dt.timedelta(days=d) for d in (400, 200, 30))
    evaluation = _evaluation([(first, 815), (second, 770), (third, 695)])

    svg = _svg(_render(evaluation))

    # The y axis: a title and round score ticks.
    assert ">Score</text>" in svg
    ticks = [int(t) for t in re.findall(r'class="axis y-tick"[^>]*>(\d+)</text>', svg)]
    assert ticks == sorted(ticks)[::-1] or ticks == sorted(ticks)
    assert 700 in ticks and 850 in ticks
    # All five bands, labelled with the ranges of the edition.
    for grade, label in (("A", "A ≥ 850"), ("B", "B 800–849"), ("C", "C 750–799"),
                         ("D", "D 700–749"), ("E", "E &lt; 700")):  # fmt: skip
        _band(svg, grade)
        assert label in svg
    # Real dates on the x axis: first and last change, different.
    dates = re.findall(r'class="axis x-tick"[^>]*>(\d{4}-\d\d-\d\d)</text>', svg)
    assert dates[0] == f"{first:%Y-%m-%d}" and dates[-1] == f"{third:%Y-%m-%d}"
    assert len(set(dates)) == len(dates) >= 2
    # 695 is drawn inside the E band, not on the D line.
    dot = re.search(r'<circle class="dot" cx="[\d.]+" cy="([\d.]+)"[^>]*data-score="695"', svg)
    e_top, e_bottom = _band(svg, "E")
    _d_top, d_bottom = _band(svg, "D")
    assert dot and e_top < float(dot[1]) < e_bottom
    assert float(dot[1]) > d_bottom
    # A staircase through three points, and the text alternative lists every change.
    assert "<polyline" in svg
    html = _render(evaluation)
    assert "Score history as a table" in html
    assert "<td>695</td><td>E</td><td>-75</td>" in html


def test_bands_follow_the_edition_thresholds():
    evaluation = _evaluation([(TODAY - dt.timedelta(days=10), 780)])
    Edition.objects.filter(pk=evaluation.edition_id).update(
        grade_a_min=900, grade_b_min=820, grade_c_min=760, grade_d_min=690
    )
    evaluation = Evaluation.objects.select_related("subject", "edition").get(pk=evaluation.pk)

    html = _render(evaluation)

    assert "A ≥ 900" in html and "B 820–899" in html and "E &lt; 690" in html
    assert "A ≥ 850" not in html


def test_single_point_has_no_line_and_one_date():
    day = TODAY - dt.timedelta(days=3)
    evaluation = _evaluation([(day, 815)])

    svg = _svg(_render(evaluation))

    assert "<polyline" not in svg
    dates = re.findall(r'class="axis x-tick"[^>]*>(\d{4}-\d\d-\d\d)</text>', svg)
    assert dates == [f"{day:%Y-%m-%d}"]
    assert svg.count('<circle class="dot"') == 1
    assert f"One evaluation so far: 815 on {day:%Y-%m-%d}." in svg
    assert 'text-anchor="middle"' in svg


def test_unchanged_since_only_when_true():
    changed = TODAY - dt.timedelta(days=40)
    evaluation = _evaluation([(TODAY - dt.timedelta(days=90), 815), (changed, 770)])
    html = _render(evaluation)
    assert f"Score unchanged since {changed:%Y-%m-%d}" in html

    # Changed today: the page says so, not "unchanged".
    evaluation = _evaluation([(TODAY - dt.timedelta(days=90), 815), (TODAY, 770)])
    html = _render(evaluation)
    assert "unchanged" not in html
    assert f"Score changed on {TODAY:%Y-%m-%d} from 815 to 770" in html

    # First evaluated today.
    evaluation = _evaluation([(TODAY, 815)])
    assert f"First evaluated on {TODAY:%Y-%m-%d}" in _render(evaluation)

    # A history that does not end on the current score claims nothing about changes.
    evaluation = _evaluation(
        [(TODAY - dt.timedelta(days=90), 815), (TODAY - dt.timedelta(days=9), 770)]
    )
    Evaluation.objects.filter(pk=evaluation.pk).update(score=760)
    evaluation.refresh_from_db()
    html = _render(evaluation)
    assert "unchanged" not in html and "Evaluated at" in html


def test_status_after_real_rescoring_says_changed_today():
    subject = SubjectFactory()
    scoring.subject_rescore(subject_id=subject.pk)
    CreditRecordFactory(subject=subject, severity="serious")
    scoring.subject_rescore(subject_id=subject.pk)
    evaluation = Evaluation.objects.select_related("subject", "edition").get(subject=subject)

    html = _render(evaluation)

    assert "unchanged" not in html
    assert f"Score changed on {TODAY:%Y-%m-%d} from 815 to 770" in html


def test_indicator_bar_shows_points_lost_and_gained():
    subject = SubjectFactory()
    CreditRecordFactory(subject=subject, severity="serious")
    CreditRecordFactory(subject=subject, kind="honour", severity="", document_number="h1")
    scoring.subject_rescore(subject_id=subject.pk)
    evaluation = Evaluation.objects.select_related("subject", "edition").get(subject=subject)

    html = _render(evaluation)

    chart = html[html.index('<figure class="indicator-points">') :]
    chart = chart[: chart.index("</figure>")]
    assert "Points lost or gained per indicator" in chart
    assert re.search(r'<rect class="bar loss"[^>]*>.*4\.1\.1[^<]*: -45', chart, re.S)
    assert re.search(r'<rect class="bar gain"[^>]*>.*5\.2\.2[^<]*: \+40', chart, re.S)
    # Lost points are drawn left of the zero line, gained right of it.
    zero = float(re.search(r'class="zero" x1="([\d.]+)"', chart)[1])
    loss = re.search(r'<rect class="bar loss" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', chart)
    gain = re.search(r'<rect class="bar gain" x="([\d.]+)"', chart)
    assert abs(float(loss[1]) + float(loss[2]) - zero) < 0.2
    assert abs(float(gain[1]) - zero) < 0.2


def test_chinese_page_shows_the_chart_text_in_chinese():
    evaluation = _evaluation([(TODAY - dt.timedelta(days=40), 815)])
    html = _render(evaluation, "zh-hans")
    assert "分值变化" in html and "分值变化（表格）" in html


def test_score_status_helper_boundaries():
    class Row:
        def __init__(self, score: int, day: dt.date) -> None:
            self.score, self.at = score, _at(day)

    class Ev:
        score = 770
        evaluated_at = _at(TODAY)

    yesterday = TODAY - dt.timedelta(days=1)
    status = charts.score_status(Ev(), [Row(815, yesterday), Row(770, yesterday)])
    assert status == {"kind": "unchanged", "since": yesterday, "previous": 815}
    assert charts.score_status(Ev(), [])["kind"] == "evaluated"
