"""Benchmark checkout: concurrent shoppers buy through the real server's store API.

Builds a throwaway store (a temporary data dir; for PostgreSQL also a database of its own,
dropped afterwards), seeds a German market with a few products and a warehouse, starts
``tradewind serve`` on 127.0.0.1 and lets N shopper threads walk the whole journey over
keep-alive connections: create cart, add a line, address, shipping options, choose the
method, place the order with the approving test card and a fresh Idempotency-Key.
One SKU has only a few units and every shopper's first journey races for it, so the
run also proves that nothing is oversold. Afterwards the SQL queries of one placement
are counted in-process.

    python bench/checkout.py --db sqlite|postgres [--quick] [--shoppers N] [--seconds S]

Ends with one line:
    RESULT checkout db=<sqlite|postgres> orders_per_s=<n> p50_ms=<n> p99_ms=<n>
        queries_per_order=<n> oversold=<n>
(orders_per_s: placed orders / wall seconds of the HTTP phase; p50/p99: the place-order
request of placed orders.)
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
PORTS = range(8131, 8140)
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "tw_bench_run"
MARKET = "de"
SCARCE_SKU = "LIMITED-ONE"
SCARCE_UNITS = 10
PLENTY_UNITS = 1_000_000
SIZES = ("S", "M", "L")
PRODUCTS = ("tee", "hoodie", "cap", "socks", "scarf")
CARD = {"card_number": "4242424242424242", "card_expiry": "12/40", "card_cvc": "123"}
ADDRESS = {
    "name": "Anna Schmidt",
    "street_address_1": "Hauptstraße 5",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
    "phone": "030 1234567",
}
# Journeys after the first pick the scarce SKU this often (sold out by then: a 422).
SCARCE_SHARE = 0.05
MEASURED_PLACEMENTS = 5
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def log(message: str) -> None:
    print(f"[checkout] {message}", file=sys.stderr, flush=True)


# --- in-process phases (run in a child with Django set up) -------------------------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradewind.settings")
    import django

    django.setup()


def seed() -> dict[str, Any]:
    """A German market selling five products in three sizes plus one scarce item."""
    from datetime import UTC, datetime

    from tradewind.catalog import services as catalog
    from tradewind.catalog.models import Product
    from tradewind.inventory import services as inventory
    from tradewind.inventory.models import MarketWarehouse, Warehouse
    from tradewind.markets.models import Market, MarketCountry
    from tradewind.markets.services import set_rate
    from tradewind.shipping.models import ShippingMethod, ShippingZone

    since = datetime(2020, 1, 1, tzinfo=UTC)
    for currency, rate in (("USD", "1.08"), ("GBP", "0.85"), ("CHF", "0.95")):
        set_rate(currency, Decimal(rate), since, note="benchmark")
    market = Market.objects.create(
        code=MARKET,
        name="Germany",
        currency="EUR",
        default_language="de",
        languages=["en"],
        subfolder="de-de",
        payment_methods=["card"],
        statutory_return_days=14,
    )
    MarketCountry.objects.create(market=market, country="DE")
    zone = ShippingZone.objects.create(market=market, name="Germany")
    ShippingMethod.objects.create(
        zone=zone,
        name="Standard",
        carrier="DHL",
        flat_price=Decimal("4.90"),
        default_min_days=2,
        default_max_days=4,
    )
    berlin = Warehouse.objects.create(
        code="berlin", name="Berlin", country="DE", city="Berlin", handling_days=1
    )
    MarketWarehouse.objects.create(market=market, warehouse=berlin, priority=1)

    def product(handle: str, skus: list[str], price: str) -> list[int]:
        made = catalog.create_product(
            catalog.ProductInput(
                handle=handle,
                name=handle.title(),
                status=Product.Status.ACTIVE,
                hs_code="610910",
                origin_country="PT",
                weight_grams=200,
                option_names=["Size"],
                variants=[
                    catalog.VariantInput(
                        sku=sku, price_amount=Decimal(price), options={"Size": sku[-1]}
                    )
                    for sku in skus
                ],
            )
        )
        catalog.publish_product(made, [market])
        return list(made.variants.order_by("pk").values_list("pk", flat=True))

    stock: dict[str, int] = {}
    ids: dict[str, int] = {}
    for index, handle in enumerate(PRODUCTS):
        skus = [f"{handle.upper()}-{size}" for size in SIZES]
        for sku, pk in zip(skus, product(handle, skus, f"{19 + 10 * index}.90"), strict=True):
            ids[sku], stock[sku] = pk, PLENTY_UNITS
    (ids[SCARCE_SKU],) = product("limited", [SCARCE_SKU], "99.00")
    stock[SCARCE_SKU] = SCARCE_UNITS
    for sku, units in stock.items():
        inventory.restock(ids[sku], berlin.pk, units, reason="restock", reference="benchmark")
    return {"variants": ids, "stock": stock}


def measure(seeded: dict[str, Any]) -> dict[str, Any]:
    """Oversold units from the orders written, then SQL queries of a few placements."""
    from django.db import connection
    from django.db.models import Sum
    from django.test.utils import CaptureQueriesContext

    from tradewind.checkout import services
    from tradewind.inventory.models import Stock
    from tradewind.markets.services import market_by_code
    from tradewind.orders.models import OrderLine, OrderStatus

    sold = dict(
        OrderLine.objects.exclude(order__status=OrderStatus.CANCELLED)
        .values_list("variant_id")
        .annotate(units=Sum("quantity"))
        .values_list("variant_id", "units")
    )
    oversold, per_sku = 0, {}
    for sku, pk in seeded["variants"].items():
        units = sold.get(pk, 0)
        per_sku[sku] = units
        oversold += max(0, units - seeded["stock"][sku])
    negative = Stock.objects.filter(on_hand__lt=0).count()

    market = market_by_code(MARKET)
    assert market is not None

    def ready_cart(sku: str) -> Any:
        cart = services.create_cart(market, "en")
        services.add_line(cart, sku, 1)
        services.set_contact_and_address(cart, "bench@example.com", ADDRESS)
        services.set_shipping_method(cart, services.shipping_options(cart)[0].method_id)
        return services.get_cart(cart.token)

    counts, statements = [], []
    for attempt in range(MEASURED_PLACEMENTS + 1):
        cart = ready_cart(f"TEE-{SIZES[attempt % len(SIZES)]}")
        with CaptureQueriesContext(connection) as queries:
            placed = services.place_order(
                cart,
                payment_method="card",
                payment_details=CARD,
                idempotency_key=uuid.uuid4().hex,
            )
        assert placed.created and placed.payment is not None, placed
        counts.append(len(queries.captured_queries))
        statements.append(
            sum(not q["sql"].startswith(TRANSACTION_CONTROL) for q in queries.captured_queries)
        )
    return {
        "oversold": oversold,
        "negative_stock_rows": negative,
        "scarce_sold": per_sku[SCARCE_SKU],
        "sold_units": sum(per_sku.values()),
        "queries_cold": counts[0],
        # The first placement in a process warms caches (tax rules, FX); a server worker
        # places thousands, so the steady state is what counts.
        "queries_per_order": statistics.fmean(counts[1:]),
        "data_statements_per_order": statistics.fmean(statements[1:]),
    }


# --- the shoppers ------------------------------------------------------------------------


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    placed: int = 0
    place_ms: list[float] = field(default_factory=list)
    journey_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    step_ms: dict[str, list[float]] = field(default_factory=dict)
    started: int = 0


class Shopper:
    """One shopper on one keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        payload = None if body is None else json.dumps(body)
        sent = {"Content-Type": "application/json", **(headers or {})}
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, payload, sent)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (ConnectionError, http.client.HTTPException, TimeoutError):
                # The server closed an idle keep-alive connection: reconnect once.
                self.connection.close()
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
                if attempt == 2:
                    raise
        return response.status, json.loads(data) if data else None

    def journey(self, sku: str, tally: Tally) -> None:
        begun = time.perf_counter()

        def step(name: str, expect: int, method: str, path: str, **kw: Any) -> Any:
            sent = time.perf_counter()
            status, data = self.call(method, path, **kw)
            took = (time.perf_counter() - sent) * 1000
            with tally.lock:
                tally.statuses[f"{name}:{status}"] += 1
                tally.step_ms.setdefault(name, []).append(took)
            if status != expect:
                raise _Refused(name, status, data)
            return data

        try:
            cart = step("cart", 201, "POST", "/api/carts", body={"market": MARKET})
            base = f"/api/carts/{cart['token']}"
            step("line", 200, "POST", f"{base}/lines", body={"sku": sku, "quantity": 1})
            email = f"{uuid.uuid4().hex[:12]}@example.com"
            step(
                "address", 200, "PUT", f"{base}/address",
                body={"email": email, "shipping_address": ADDRESS},
            )  # fmt: skip
            options = step("options", 200, "GET", f"{base}/shipping-options")
            step(
                "method", 200, "PUT", f"{base}/shipping-method",
                body={"method_id": options[0]["method_id"]},
            )  # fmt: skip
            placing = time.perf_counter()
            order = step(
                "order", 201, "POST", f"{base}/order",
                body={"payment_method": "card", "payment_details": CARD},
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )  # fmt: skip
            done = time.perf_counter()
            paid = order["payment"] and order["payment"]["status"]
            with tally.lock:
                tally.placed += 1
                tally.place_ms.append((done - placing) * 1000)
                tally.journey_ms.append((done - begun) * 1000)
                tally.statuses[f"payment:{paid}"] += 1
        except _Refused as refused:
            with tally.lock:
                tally.errors[refused.summary()] += 1

    def close(self) -> None:
        self.connection.close()


class _Refused(Exception):
    def __init__(self, step: str, status: int, data: Any) -> None:
        super().__init__(step, status)
        self.step, self.status, self.data = step, status, data

    def summary(self) -> str:
        detail = ""
        if isinstance(self.data, dict) and isinstance(self.data.get("detail"), list):
            detail = " " + "; ".join(str(d.get("msg", ""))[:60] for d in self.data["detail"])
        return f"{self.step} {self.status}{detail}"


def drive(port: int, shoppers: int, seconds: float, max_orders: int) -> tuple[Tally, float]:
    plenty = [f"{p.upper()}-{s}" for p in PRODUCTS for s in SIZES]
    tally = Tally()
    deadline = time.perf_counter() + seconds
    gate = threading.Barrier(shoppers)

    def run(number: int) -> None:
        rng = random.Random(number)
        shopper = Shopper(port)
        try:
            gate.wait()
            first = True
            while time.perf_counter() < deadline:
                with tally.lock:
                    if tally.started >= max_orders:
                        return
                    tally.started += 1
                scarce = first or rng.random() < SCARCE_SHARE
                shopper.journey(SCARCE_SKU if scarce else rng.choice(plenty), tally)
                first = False
        except Exception as exc:  # a dead connection ends this shopper, not the run
            with tally.lock:
                tally.errors[f"{type(exc).__name__}: {exc}"[:120]] += 1
        finally:
            shopper.close()

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(shoppers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    reporter = threading.Event()

    def progress() -> None:
        while not reporter.wait(2.0):
            with tally.lock:
                placed, elapsed = tally.placed, time.perf_counter() - started
            log(f"{elapsed:5.1f} s: {placed} orders placed ({placed / elapsed:.0f}/s)")

    threading.Thread(target=progress, daemon=True).start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    reporter.set()
    return tally, wall


def warm_up(port: int, journeys: int) -> None:
    """First requests of a worker import and connect; keep them out of the figures."""
    tally = Tally()
    threads = [
        threading.Thread(target=Shopper(port).journey, args=("TEE-M", tally))
        for _ in range(journeys)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if tally.errors:
        raise SystemExit(f"warm-up failed: {dict(tally.errors)}")


# --- orchestration -----------------------------------------------------------------------


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def _child(phase: str, env: dict[str, str], data: dict[str, Any] | None = None) -> Any:
    """Run an in-process phase in a child (settings are read once per process)."""
    done = subprocess.run(
        [sys.executable, __file__, "--phase", phase],
        env=env,
        input=json.dumps(data or {}),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the {phase} phase failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def _postgres_database() -> Iterator[str]:
    import psycopg

    def drop(conn: Any) -> None:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        drop(conn)
        conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            drop(conn)


@contextlib.contextmanager
def _server(env: dict[str, str], port: int, workers: int, logfile: Path) -> Iterator[None]:
    command = [sys.executable, "-m", "tradewind", "serve", "--host", HOST, "--port", str(port)]
    with logfile.open("w") as out:
        server = subprocess.Popen(
            [*command, "--workers", str(workers)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: stopping it stops its workers too
        )
    try:
        _wait_until_up(server, port, logfile)
        yield
    finally:
        _stop(server)


def _wait_until_up(server: subprocess.Popen[bytes], port: int, logfile: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.stderr.write(logfile.read_text())
            raise SystemExit("the server exited at start-up")
        with contextlib.suppress(OSError, http.client.HTTPException):
            probe = http.client.HTTPConnection(HOST, port, timeout=2)
            probe.request("GET", "/api/carts/none")
            if probe.getresponse().status < 500:
                probe.close()
                return
        time.sleep(0.2)
    raise SystemExit("the server did not answer within 60 s")


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def benchmark(args: argparse.Namespace) -> int:
    src = Path(__file__).resolve().parents[1] / "src"
    with (
        tempfile.TemporaryDirectory(prefix="tw-bench-checkout-") as tmp,
        contextlib.ExitStack() as stack,
    ):
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(
            TRADEWIND_DATA_DIR=tmp,
            TRADEWIND_LOG_LEVEL="ERROR",
            TRADEWIND_CARD_PROVIDER="test_card",
            PYTHONPATH=os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")])),
        )
        if args.db == "postgres":
            env["DATABASE_URL"] = stack.enter_context(_postgres_database())
        log(f"db={args.db} data dir {tmp}; running tradewind init")
        subprocess.run(
            [sys.executable, "-m", "tradewind", "init", "--owner-email", "owner@example.com",
             "--owner-password", uuid.uuid4().hex],
            env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        seeded = _child("seed", env)
        log(f"seeded {len(seeded['variants'])} SKUs; {SCARCE_SKU} has {SCARCE_UNITS} units")
        port = _free_port()
        log(f"serving on {HOST}:{port} with {args.workers} workers x 4 threads")
        with _server(env, port, args.workers, Path(tmp) / "server.log"):
            warm_up(port, args.workers * 4)
            log(f"{args.shoppers} shoppers for up to {args.seconds:g} s / {args.max_orders} orders")
            tally, wall = drive(port, args.shoppers, args.seconds, args.max_orders)
        log(f"HTTP phase: {tally.placed} orders in {wall:.1f} s; statuses {dict(tally.statuses)}")
        if tally.errors:
            log(f"refused or failed: {dict(tally.errors)}")
        if tally.journey_ms:
            log(
                f"whole journey (6 requests): p50 {_percentile(tally.journey_ms, 0.5):.1f} ms, "
                f"p99 {_percentile(tally.journey_ms, 0.99):.1f} ms"
            )
        steps = ", ".join(
            f"{name} {_percentile(ms, 0.5):.0f}/{_percentile(ms, 0.99):.0f}"
            for name, ms in tally.step_ms.items()
        )
        log(f"per request p50/p99 ms: {steps}")
        measured = _child("measure", env, seeded)
        log(
            f"sold {measured['sold_units']} units, {SCARCE_SKU}: {measured['scarce_sold']} of "
            f"{SCARCE_UNITS}; negative stock rows {measured['negative_stock_rows']}; "
            f"queries per placement {measured['queries_per_order']:.1f} "
            f"({measured['data_statements_per_order']:.1f} without BEGIN/COMMIT/SAVEPOINT; "
            f"first in a process {measured['queries_cold']})"
        )
        p50 = _percentile(tally.place_ms, 0.5) if tally.place_ms else float("nan")
        p99 = _percentile(tally.place_ms, 0.99) if tally.place_ms else float("nan")
        print(
            f"RESULT checkout db={args.db} orders_per_s={tally.placed / wall:.1f} "
            f"p50_ms={p50:.1f} p99_ms={p99:.1f} "
            f"queries_per_order={measured['queries_per_order']:.1f} "
            f"oversold={measured['oversold']}",
            flush=True,
        )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--quick", action="store_true", help="a short run (under a minute)")
    parser.add_argument("--shoppers", type=int, help="concurrent shoppers (default 32)")
    parser.add_argument("--seconds", type=float, help="length of the HTTP phase (default 30)")
    parser.add_argument("--max-orders", type=int, default=200_000, help="stop after this many")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--phase", choices=["seed", "measure"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        _django()
        data = json.loads(sys.stdin.read() or "{}")
        print(json.dumps(seed() if args.phase == "seed" else measure(data)))
        return 0
    args.shoppers = args.shoppers or (16 if args.quick else 32)
    args.seconds = args.seconds or (10.0 if args.quick else 30.0)
    try:
        return benchmark(args)
    except KeyboardInterrupt:
        log("interrupted; the server is stopped and the temporary store removed")
        return 130


if __name__ == "__main__":
    sys.exit(main())
