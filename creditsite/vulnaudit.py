"""Audit the installed packages against an OSV advisory snapshot on disk.

``make audit`` asks PyPI's advisory service through pip-audit, which needs the network.
An operator who has a copy of the OSV database for PyPI (the ``PyPI/all.zip`` export of
osv.dev, or a folder of its JSON files) gets a real verdict without it::

    make audit AUDIT_DB=/path/to/PyPI-all.zip
    .venv/bin/python -m creditsite.vulnaudit --db /path/to/PyPI-all.zip

Every installed distribution is matched against each advisory's ``affected`` entries
for the PyPI ecosystem: its explicit ``versions`` list and its ``ECOSYSTEM`` ranges
(``introduced`` / ``fixed`` / ``last_affected`` events, compared as PEP 440 versions).
Withdrawn advisories are ignored. Exit status: 0 no known vulnerability, 1 vulnerabilities
found (each printed with its fix), 2 the snapshot cannot be read (docs/decisions.md,
"Auditing against a snapshot").
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    advisory: str
    summary: str
    fixed: tuple[str, ...]


def installed() -> dict[str, str]:
    """Canonical name → version of every distribution in this environment."""
    found: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found[canonicalize_name(name)] = dist.version
    return found


def advisories(path: Path) -> Iterator[dict[str, Any]]:
    """The OSV records of a zip export or a folder of ``*.json`` files."""
    if path.is_dir():
        for file in sorted(path.rglob("*.json")):
            yield json.loads(file.read_text(encoding="utf-8"))
        return
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            if name.endswith(".json"):
                yield json.loads(archive.read(name).decode("utf-8"))


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _in_range(version: Version, events: Iterable[dict[str, str]]) -> bool:
    """OSV ECOSYSTEM range semantics: sorted events open at ``introduced`` and close at
    ``fixed`` (exclusive) or ``last_affected`` (inclusive)."""
    points: list[tuple[Version, int, str]] = []
    order = {"introduced": 0, "fixed": 1, "last_affected": 2}
    for event in events:
        for kind, value in event.items():
            if kind not in order:
                continue
            at = Version("0") if kind == "introduced" and value == "0" else _version(value)
            if at is not None:
                points.append((at, order[kind], kind))
    affected = False
    for at, _order, kind in sorted(points):
        if kind == "introduced":
            if version >= at:
                affected = True
        elif kind == "fixed":
            if version >= at:
                affected = False
        elif kind == "last_affected" and version > at:
            affected = False
    return affected


def findings(packages: dict[str, str], records: Iterable[dict[str, Any]]) -> list[Finding]:
    result: list[Finding] = []
    for record in records:
        if record.get("withdrawn"):
            continue
        for affected in record.get("affected", []):
            package = affected.get("package", {})
            if package.get("ecosystem") != "PyPI":
                continue
            name = canonicalize_name(package.get("name", ""))
            if name not in packages:
                continue
            current = packages[name]
            version = _version(current)
            hit = current in affected.get("versions", [])
            fixed: list[str] = []
            for rng in affected.get("ranges", []):
                if rng.get("type") != "ECOSYSTEM":
                    continue
                events = rng.get("events", [])
                fixed += [e["fixed"] for e in events if "fixed" in e]
                if version is not None and _in_range(version, events):
                    hit = True
            if hit:
                result.append(
                    Finding(
                        package=name,
                        version=current,
                        advisory=record.get("id", "?"),
                        summary=record.get("summary", ""),
                        fixed=tuple(fixed),
                    )
                )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path, help="OSV PyPI export (zip or folder)")
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"NOT AUDITED: no advisory snapshot at {args.db}", file=sys.stderr)
        return 2
    try:
        records = list(advisories(args.db))
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        print(f"NOT AUDITED: cannot read {args.db}: {error}", file=sys.stderr)
        return 2
    if not records:
        print(f"NOT AUDITED: {args.db} holds no advisory", file=sys.stderr)
        return 2
    packages = installed()
    found = findings(packages, records)
    for item in found:
        fix = ", ".join(item.fixed) or "none published"
        print(f"{item.package} {item.version}: {item.advisory} {item.summary} (fixed in: {fix})")
    print(
        f"{len(packages)} packages audited against {len(records)} advisories "
        f"from {args.db}: {len(found)} known vulnerabilities"
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
