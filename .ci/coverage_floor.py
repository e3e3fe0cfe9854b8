"""Check a coverage JSON report (pytest-cov / `coverage json`) against CreditSite's floors.

    python .ci/coverage_floor.py REPORT.json [--pyproject pyproject.toml]

The floors and the allow list live in pyproject.toml under [tool.creditsite.coverage]:

    total_floor   the whole measured code must be covered at least this much (percent);
    module_floor  each file must be covered at least this much (percent) ...
    allow         ... except the files listed here (paths relative to the repository
                  root as coverage reports them; fnmatch patterns such as
                  "core/management/commands/*" work too).

Exit 0 when every floor is met, 1 when one is not (the files below the module floor are
printed with their percentages, and a ready-to-paste allow list), 2 when the report or
the configuration cannot be read. Allow-list entries that match no measured file, and
allowed files that now meet the floor, are printed as notes so the list stays current.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_config(pyproject: Path) -> tuple[float, float, list[str]]:
    with pyproject.open("rb") as f:
        data = tomllib.load(f)
    try:
        cfg = data["tool"]["creditsite"]["coverage"]
        total_floor = float(cfg["total_floor"])
        module_floor = float(cfg["module_floor"])
    except (KeyError, TypeError, ValueError) as exc:
        raise SystemExit(
            f"ERROR: {pyproject} needs [tool.creditsite.coverage] with numeric "
            f"total_floor and module_floor ({exc!r})"
        ) from exc
    allow = [str(p) for p in cfg.get("allow", [])]
    return total_floor, module_floor, allow


def allowed(path: str, patterns: list[str]) -> list[str]:
    return [p for p in patterns if path == p or fnmatch.fnmatchcase(path, p)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="coverage JSON report")
    parser.add_argument("--pyproject", type=Path, default=ROOT / "pyproject.toml")
    args = parser.parse_args(argv)

    try:
        total_floor, module_floor, allow = load_config(args.pyproject)
    except OSError as exc:
        print(f"ERROR: cannot read {args.pyproject}: {exc}", file=sys.stderr)
        return 2
    try:
        report = json.loads(args.report.read_text())
        files = report["files"]
        totals = report["totals"]
    except (OSError, ValueError, KeyError) as exc:
        print(
            f"ERROR: cannot read the coverage report {args.report} ({exc!r}); "
            "did the coverage test pass run?",
            file=sys.stderr,
        )
        return 2

    total = float(totals["percent_covered"])
    if not files or not totals.get("num_statements"):
        print("ERROR: the coverage report measured no code at all", file=sys.stderr)
        return 1

    below: list[tuple[str, float, int]] = []  # not allowed, under the module floor
    allowed_below: list[tuple[str, float]] = []
    allowed_above: list[tuple[str, float]] = []
    used: set[str] = set()
    for path, data in sorted(files.items()):
        summary = data["summary"]
        if not summary.get("num_statements"):
            continue  # empty file (e.g. an __init__.py)
        pct = float(summary["percent_covered"])
        matches = allowed(path, allow)
        used.update(matches)
        if matches:
            (allowed_below if pct < module_floor else allowed_above).append((path, pct))
        elif pct < module_floor:
            below.append((path, pct, int(summary["num_statements"])))

    failed = False
    print(
        f"coverage: total {total:.2f}% (floor {total_floor:g}%), "
        f"{len(files)} files measured, module floor {module_floor:g}%, "
        f"{len(allowed_below)} allowed files below it"
    )
    if total < total_floor:
        failed = True
        print(f"FAIL: total coverage {total:.2f}% is below the floor of {total_floor:g}%")
    if below:
        failed = True
        print(
            f"FAIL: {len(below)} files are below the module floor of {module_floor:g}% "
            "and not in the allow list:"
        )
        for path, pct, statements in below:
            print(f"  {pct:6.2f}%  {path}  ({statements} statements)")

    stale = [p for p in allow if p not in used]
    if stale:
        print("note: allow-list entries that match no measured file (moved or removed?):")
        for p in stale:
            print(f"  {p}")
    if allowed_above:
        print(
            f"note: allowed files now at or above the {module_floor:g}% floor (can leave the list):"
        )
        for path, pct in allowed_above:
            print(f"  {pct:6.2f}%  {path}")

    if below or stale:
        # What [tool.creditsite.coverage] allow would be for this report.
        needed = sorted({p for p, _ in allowed_below} | {p for p, _, _ in below})
        print("allow list matching this report (files below the module floor):")
        print("allow = [")
        for p in needed:
            print(f'    "{p}",')
        print("]")

    if failed:
        print("coverage floor: FAILED (the floors: [tool.creditsite.coverage] in pyproject.toml)")
        return 1
    print("coverage floor: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
