"""Auditing against an OSV snapshot on disk (creditsite/vulnaudit.py, `make audit AUDIT_DB=`):
a real verdict without the network, and "NOT AUDITED" when the snapshot is unusable."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

from creditsite import vulnaudit

DJANGO = metadata.version("django")


def _advisory(ident: str, events: list[dict[str, str]], **extra: object) -> dict[str, object]:
    return {
        "id": ident,
        "summary": f"test advisory {ident}",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "Django"},
                "ranges": [{"type": "ECOSYSTEM", "events": events}],
            }
        ],
        **extra,
    }


def _snapshot(tmp_path: Path, *records: dict[str, object]) -> Path:
    path = tmp_path / "PyPI-all.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for record in records:
            archive.writestr(f"{record['id']}.json", json.dumps(record))
    return path


def _run(db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "creditsite.vulnaudit", "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_an_installed_version_inside_a_range_is_reported_with_its_fix(tmp_path):
    db = _snapshot(
        tmp_path,
        _advisory("TEST-HIT", [{"introduced": "0"}, {"fixed": "999.0"}]),
        _advisory("TEST-OLD", [{"introduced": "0"}, {"fixed": "1.0"}]),
        _advisory("TEST-GONE", [{"introduced": "0"}], withdrawn="2026-01-01T00:00:00Z"),
    )
    result = _run(db)
    assert result.returncode == 1, result.stderr
    assert f"django {DJANGO}: TEST-HIT" in result.stdout
    assert "fixed in: 999.0" in result.stdout
    assert "TEST-OLD" not in result.stdout  # fixed long before the installed version
    assert "TEST-GONE" not in result.stdout  # withdrawn
    assert "1 known vulnerabilities" in result.stdout


def test_no_matching_advisory_is_a_clean_verdict(tmp_path, capsys):
    db = _snapshot(tmp_path, _advisory("TEST-OLD", [{"introduced": "0"}, {"fixed": "1.0"}]))
    folder = tmp_path / "osv"
    folder.mkdir()
    (folder / "TEST-OLD.json").write_text(
        json.dumps(_advisory("TEST-OLD", [{"introduced": "0"}, {"fixed": "1.0"}]))
    )
    for snapshot in (db, folder):  # a zip export or a folder of JSON files
        assert vulnaudit.main(["--db", str(snapshot)]) == 0
        assert "0 known vulnerabilities" in capsys.readouterr().out


def test_an_unreadable_or_missing_snapshot_is_not_audited(tmp_path):
    missing = _run(tmp_path / "nowhere.zip")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    unreadable = _run(broken)
    empty = _run(_snapshot(tmp_path))
    for result in (missing, unreadable, empty):
        assert result.returncode == 2
        assert "NOT AUDITED" in result.stderr


def test_range_rules():
    version = vulnaudit.Version("5.2.1")
    assert vulnaudit._in_range(version, [{"introduced": "5.0"}, {"fixed": "5.2.2"}])
    assert not vulnaudit._in_range(version, [{"introduced": "5.0"}, {"fixed": "5.2.1"}])
    assert vulnaudit._in_range(version, [{"introduced": "5.0"}, {"last_affected": "5.2.1"}])
    assert not vulnaudit._in_range(version, [{"introduced": "5.3"}])
    # Two ranges in one list: closed, then opened again above.
    events = [{"introduced": "1.0"}, {"fixed": "2.0"}, {"introduced": "5.2"}]
    assert vulnaudit._in_range(version, events)
    # An explicit versions list counts as well.
    hits = vulnaudit.findings(
        {"django": "5.2.1"},
        [{"id": "X", "affected": [{"package": {"ecosystem": "PyPI", "name": "django"},
                                   "versions": ["5.2.1"]}]}],
    )  # fmt: skip
    assert [h.advisory for h in hits] == ["X"]
