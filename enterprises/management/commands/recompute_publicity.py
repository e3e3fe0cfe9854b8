"""``manage.py recompute_publicity [--dry-run] [--include-unrecorded] [--batch-size N]``:
recompute the publicity of every stored record under the rule editions as they are now
(docs/rules.md §6.8). Run it with ``--dry-run`` first: it prints what would change, per
kind of information and edition, and writes nothing but its job-run row."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from enterprises.recompute import publicity_recompute


class Command(BaseCommand):
    help = "Recompute publicity end, state and editions of stored records (docs/rules.md §6.8)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count, write nothing.")
        parser.add_argument(
            "--include-unrecorded",
            action="store_true",
            help="Also records with no stored edition (ends loaded without one, e.g. seeded).",
        )
        parser.add_argument("--batch-size", type=int, default=10_000)

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(done: int, total: int) -> None:
            if options["verbosity"] >= 2 or done == total or done % 500_000 < options["batch_size"]:
                self.stderr.write(f"{done:,} / {total:,}")

        result = publicity_recompute(
            dry_run=options["dry_run"],
            include_unrecorded=options["include_unrecorded"],
            batch_size=options["batch_size"],
            on_progress=progress,
        )
        mode = "would change" if result.dry_run else "changed"
        self.stdout.write(
            f"{result.examined:,} records examined, {result.changed:,} {mode}; "
            f"{result.skipped_unrecorded:,} without a stored edition skipped; "
            f"{result.no_edition:,} with no edition; {result.now_past_end:,} now past their "
            "end (the nightly expiry ends their publicity)."
        )
        for (kind, edition, change), n in sorted(result.counts.items()):
            self.stdout.write(f"  {kind:<24} {edition:<24} {change:<20} {n:>10,}")
        self.stdout.write(f"job run {result.job_id}")
