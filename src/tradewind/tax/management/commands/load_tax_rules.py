"""``python -m django load_tax_rules [--dir DIR]``: load the shipped tax rule files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tradewind.tax.datafiles import RuleFileError
from tradewind.tax.services import load_tax_rules


class Command(BaseCommand):
    help = "Load tax rates, duty rates and thresholds from the shipped CSV files (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, help="Read the rule files from this directory.")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = options.get("dir")
        if directory is not None and not directory.is_dir():
            raise CommandError(f"--dir: {directory} is not a directory")
        try:
            result = load_tax_rules(directory)
        except (RuleFileError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"tax rules: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged"
        )
