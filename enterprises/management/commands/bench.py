"""``manage.py bench``: seed a scratch database if needed and time rescoring against a bare
SQL aggregate in the same process (docs/benchmarks.md)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from enterprises.models import Subject


class Command(BaseCommand):
    help = "Benchmark full rescoring against a bare SQL aggregate over the same data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprises", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--repeat", type=int, default=3)
        parser.add_argument("--chunk-size", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        from tests.bench.rescoring import run

        if not Subject.objects.exists():
            call_command(
                "seed_demo", "--enterprises", str(options["enterprises"]), "--seed",
                str(options["seed"]), "--force",
            )  # fmt: skip
        result = run(repeat=options["repeat"], chunk_size=options["chunk_size"])
        self.stdout.write(
            f"{'database':<12}{'subjects':>10}{'records':>10}{'bare SQL s':>12}"
            f"{'rescore s':>11}{'ratio':>7}{'scores s':>10}{'ratio':>7}"
        )
        self.stdout.write(
            f"{result['vendor']:<12}{result['subjects']:>10,}{result['records']:>10,}"
            f"{result['baseline_s']:>12.2f}{result['rescore_s']:>11.2f}"
            f"{result['ratio_rescore']:>7.1f}{result['scores_only_s']:>10.2f}"
            f"{result['ratio_scores_only']:>7.1f}"
        )
