"""How fast the checkout's tax question is answered: quoting a typical 3-line cart.

Quotes go through ``tradewind.tax.services.quote`` exactly as the checkout calls it, with
the rules cached in the process (as after the first request) and the exchange rates passed
in. The carts rotate over the main regimes: EU IOSS with the EUR 3 duty, EU import above
EUR 150, intra-EU OSS, UK point of sale, US sales tax + duty, Canada, Australia and Norway.
It runs in a throwaway SQLite database (migrated, so the shipped rules are loaded) on one
CPU core.

    .venv/bin/python bench/tax.py [--quotes 20000]

Prints:
    RESULT tax quotes_per_s=<n> p99_us=<n>
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

FX_PER_EUR = {
    "USD": Decimal("1.08"),
    "GBP": Decimal("0.84"),
    "AUD": Decimal("1.66"),
    "NOK": Decimal("11.60"),
    "CAD": Decimal("1.51"),
}


def carts() -> list[object]:
    from moneyed import Money

    from tradewind.tax.engine import Consignment, DutiesMode, Line

    def cart(origin: str, dest: str, currency: str, prices: tuple[str, str, str], **kw: object):
        lines = [
            Line("610910", "standard", 2, Money(prices[0], currency), sku="TEE-M"),
            Line("620342", "standard", 1, Money(prices[1], currency), sku="CHINO-32"),
            Line("650500", "standard", 1, Money(prices[2], currency), sku="CAP-OS"),
        ]
        return Consignment(
            origin_country=origin,
            destination_country=dest,
            lines=lines,
            at=datetime(2026, 9, 15, 10, 30, tzinfo=UTC),
            currency=currency,
            shipping=Money("6.90", currency),
            fx_per_eur=FX_PER_EUR,
            ioss_number="IM2760000001",
            **kw,  # type: ignore[arg-type]
        )

    return [
        cart("CN", "DE", "EUR", ("19.00", "49.00", "15.00")),  # IOSS + EUR 3 per sub-heading
        cart("CN", "FR", "EUR", ("39.00", "89.00", "25.00")),  # import above EUR 150
        cart("DE", "IT", "EUR", ("19.00", "49.00", "15.00")),  # OSS
        cart("CN", "GB", "GBP", ("15.00", "45.00", "12.00")),  # UK point of sale
        cart("CN", "US", "USD", ("20.00", "55.00", "16.00"), destination_region="CA"),
        cart("CN", "CA", "CAD", ("25.00", "70.00", "20.00"), destination_region="ON"),
        cart("CN", "AU", "AUD", ("30.00", "80.00", "25.00")),  # low value goods
        cart("CN", "NO", "NOK", ("199.00", "599.00", "149.00"), duties_mode=DutiesMode.DAP),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=20_000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["TRADEWIND_DATA_DIR"] = data_dir
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradewind.settings")
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        from tradewind.tax.services import quote

        samples = carts()
        for consignment in samples:  # warm the rule cache and the lookup memos
            quote(consignment)  # type: ignore[arg-type]
        timings = []
        clock = time.perf_counter_ns
        started = clock()
        for i in range(args.quotes):
            consignment = samples[i % len(samples)]
            t0 = clock()
            quote(consignment)  # type: ignore[arg-type]
            timings.append(clock() - t0)
        elapsed = (clock() - started) / 1e9
    timings.sort()
    p99_us = timings[int(len(timings) * 0.99) - 1] / 1000
    print(f"RESULT tax quotes_per_s={args.quotes / elapsed:.0f} p99_us={p99_us:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
