"""Load two years of demo history: customers, orders, shipments, payments, returns, refunds.

The numbers come from :mod:`tradewind.demo.history_plan` (numpy, chunk by chunk); this
module turns each chunk into rows with bulk inserts, a slice of orders at a time so that a
million customers stay well within memory. History is not news: no outbox events (no
``order.placed``) are written for it, and no state-machine transitions are replayed; the
orders' ``paid_at`` / ``fulfilled_at`` / ``delivered_at`` stamps carry the timeline.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from tradewind.catalog.models import Publication, Variant
from tradewind.core.money import currency_decimals
from tradewind.customers.models import Address, Customer
from tradewind.demo import history_plan as hp
from tradewind.demo.bulk import RowWriter
from tradewind.demo.operations import (
    BANK_TRANSFER_DAYS,
    CARRIERS,
    COD_LIMITS,
    RATES,
    WAREHOUSES,
    primary_warehouse,
    transit_days,
)
from tradewind.inventory.models import Warehouse
from tradewind.markets.models import Market
from tradewind.orders.models import (
    Order,
    OrderLine,
    ReturnLine,
    ReturnRequest,
    Shipment,
    ShipmentLine,
)
from tradewind.payments.models import Payment, Refund
from tradewind.payments.providers import provider_for_method
from tradewind.pricing.services import prices_in_market
from tradewind.tax import engine
from tradewind.tax.errors import TaxInputError
from tradewind.tax.services import rules

HISTORY_DAYS = 730
ZERO = Decimal(0)
ORDER_SLICE = 5_000  # orders turned into rows at a time
TAX_CLASSES = ("standard", "reduced", "zero", "exempt")
DEFAULT_SHARE = 0.03
SHARES: dict[str, float] = {
    "us": 0.22, "dach": 0.14, "fr": 0.09, "es": 0.05, "it": 0.05, "nl": 0.04, "eu": 0.06,
    "gb": 0.10, "jp": 0.06, "sg": 0.04, "my": 0.03, "id": 0.04, "ae": 0.04, "sa": 0.04,
}  # fmt: skip
WESTERN = frozenset({hp.BLACK_FRIDAY, hp.CHRISTMAS})
EVENTS: dict[str, frozenset[str]] = {
    "jp": frozenset({hp.NEW_YEAR_SALES, hp.BLACK_FRIDAY}),
    "sg": frozenset({hp.DOUBLE_DAYS, hp.BLACK_FRIDAY}),
    "my": frozenset({hp.DOUBLE_DAYS}),
    "id": frozenset({hp.DOUBLE_DAYS}),
    "ae": frozenset({hp.RAMADAN_EVENT, hp.BLACK_FRIDAY}),  # "White Friday"
    "sa": frozenset({hp.RAMADAN_EVENT, hp.BLACK_FRIDAY}),
}
# Apparel-heavy European markets send more back (free returns, sizing).
RETURN_RATES: dict[str, float] = {"dach": 0.14, "nl": 0.12, "fr": 0.09, "gb": 0.1}
DEFAULT_RETURN_RATE = 0.06
# Payment habits: cash on delivery is common in Southeast Asia and the Gulf, bank transfer
# in Indonesia; wallets and cards settle through the card provider.
METHOD_WEIGHTS: dict[str, dict[str, float]] = {
    "my": {"card": 0.6, "cod": 0.4},
    "id": {"card": 0.3, "bank_transfer": 0.35, "cod": 0.35},
    "ae": {"card": 0.65, "cod": 0.35},
    "sa": {"card": 0.6, "cod": 0.4},
}

US_STATES: tuple[tuple[str, float, str, str], ...] = (  # state, weight, city, ZIP
    ("CA", 0.22, "Los Angeles", "90012"), ("NY", 0.16, "New York", "10001"),
    ("TX", 0.12, "Austin", "78701"), ("FL", 0.10, "Miami", "33130"),
    ("WA", 0.07, "Seattle", "98101"), ("IL", 0.07, "Chicago", "60601"),
    ("MA", 0.06, "Boston", "02108"), ("NJ", 0.06, "Hoboken", "07030"),
    ("PA", 0.07, "Philadelphia", "19103"), ("OR", 0.07, "Portland", "97205"),
)  # fmt: skip
CITIES: dict[str, tuple[str, str]] = {  # country: (city, postal code)
    "DE": ("Berlin", "10115"), "AT": ("Wien", "1010"), "FR": ("Paris", "75011"),
    "BE": ("Bruxelles", "1000"), "LU": ("Luxembourg", "1009"), "MC": ("Monaco", "98000"),
    "ES": ("Madrid", "28004"), "IT": ("Milano", "20121"), "NL": ("Amsterdam", "1012 AB"),
    "PT": ("Lisboa", "1100-148"), "IE": ("Dublin", "D02 X285"), "FI": ("Helsinki", "00100"),
    "GR": ("Athina", "105 57"), "EE": ("Tallinn", "10111"), "LV": ("Riga", "LV-1050"),
    "LT": ("Vilnius", "01103"), "SK": ("Bratislava", "811 01"), "SI": ("Ljubljana", "1000"),
    "HR": ("Zagreb", "10000"), "CY": ("Nicosia", "1010"), "MT": ("Valletta", "VLT 1010"),
    "BG": ("Sofia", "1000"), "GB": ("London", "EC1A 1BB"), "JP": ("Tokyo", "150-0001"),
    "SG": ("Singapore", "238859"), "MY": ("Kuala Lumpur", "50450"),
    "ID": ("Jakarta", "10310"), "AE": ("Dubai", ""), "SA": ("Riyadh", "12211"),
}  # fmt: skip
STREETS: dict[str, str] = {
    "de": "Hauptstraße", "fr": "rue de la République", "es": "Calle Mayor",
    "it": "Via Roma", "nl": "Prinsengracht", "ja": "Jingumae", "id": "Jalan Sudirman",
    "ar": "Sheikh Zayed Road",
}  # fmt: skip
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (
        (
            "James",
            "Olivia",
            "Liam",
            "Emma",
            "Noah",
            "Ava",
            "Oliver",
            "Sophia",
            "Jack",
            "Isla",
            "Ethan",
            "Mia",
            "Harry",
            "Grace",
            "Lucas",
            "Chloe",
        ),
        (
            "Smith",
            "Johnson",
            "Brown",
            "Taylor",
            "Wilson",
            "Davies",
            "Evans",
            "Walker",
            "Thompson",
            "Clarke",
            "Hughes",
            "Miller",
            "Garcia",
            "Lee",
            "Martin",
            "Wright",
        ),
    ),
    "de": (
        (
            "Lukas",
            "Anna",
            "Leon",
            "Marie",
            "Felix",
            "Sophie",
            "Jonas",
            "Lena",
            "Paul",
            "Hannah",
            "Maximilian",
            "Lea",
            "Tobias",
            "Jana",
        ),
        (
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Meyer",
            "Wagner",
            "Becker",
            "Hoffmann",
            "Schäfer",
            "Koch",
            "Gruber",
            "Huber",
            "Bauer",
        ),
    ),
    "fr": (
        (
            "Gabriel",
            "Louise",
            "Raphaël",
            "Jade",
            "Léo",
            "Emma",
            "Louis",
            "Chloé",
            "Hugo",
            "Léa",
            "Arthur",
            "Manon",
            "Jules",
            "Camille",
        ),
        (
            "Martin",
            "Bernard",
            "Dubois",
            "Thomas",
            "Robert",
            "Richard",
            "Petit",
            "Durand",
            "Leroy",
            "Moreau",
            "Simon",
            "Laurent",
            "Lefèvre",
            "Peeters",
        ),
    ),
    "es": (
        (
            "Hugo",
            "Lucía",
            "Martín",
            "Sofía",
            "Pablo",
            "María",
            "Álvaro",
            "Paula",
            "Diego",
            "Carmen",
            "Javier",
            "Elena",
        ),
        (
            "García",
            "Rodríguez",
            "González",
            "Fernández",
            "López",
            "Martínez",
            "Sánchez",
            "Pérez",
            "Gómez",
            "Ruiz",
            "Díaz",
            "Moreno",
        ),
    ),
    "it": (
        (
            "Leonardo",
            "Sofia",
            "Francesco",
            "Giulia",
            "Alessandro",
            "Aurora",
            "Lorenzo",
            "Alice",
            "Matteo",
            "Ginevra",
            "Andrea",
            "Chiara",
        ),
        (
            "Rossi",
            "Russo",
            "Ferrari",
            "Esposito",
            "Bianchi",
            "Romano",
            "Colombo",
            "Ricci",
            "Marino",
            "Greco",
            "Bruno",
            "Gallo",
        ),
    ),
    "nl": (
        (
            "Daan",
            "Emma",
            "Sem",
            "Julia",
            "Lucas",
            "Mila",
            "Levi",
            "Tess",
            "Finn",
            "Sophie",
            "Bram",
            "Noor",
        ),
        (
            "de Jong",
            "Jansen",
            "de Vries",
            "van den Berg",
            "van Dijk",
            "Bakker",
            "Visser",
            "Smit",
            "Meijer",
            "de Boer",
            "Mulder",
            "Bos",
        ),
    ),
    "ja": (
        (
            "Haruto",
            "Yui",
            "Sota",
            "Hina",
            "Yuto",
            "Mei",
            "Riku",
            "Sakura",
            "Ren",
            "Aoi",
            "Kaito",
            "Yuna",
        ),
        (
            "Sato",
            "Suzuki",
            "Takahashi",
            "Tanaka",
            "Watanabe",
            "Ito",
            "Yamamoto",
            "Nakamura",
            "Kobayashi",
            "Kato",
            "Yoshida",
            "Yamada",
        ),
    ),
    "id": (
        (
            "Budi",
            "Siti",
            "Agus",
            "Dewi",
            "Rizky",
            "Putri",
            "Andi",
            "Ayu",
            "Dimas",
            "Intan",
            "Fajar",
            "Rina",
        ),
        (
            "Santoso",
            "Wijaya",
            "Saputra",
            "Hidayat",
            "Pratama",
            "Kusuma",
            "Halim",
            "Nugroho",
            "Setiawan",
            "Lestari",
            "Gunawan",
            "Siregar",
        ),
    ),
    "ar": (
        (
            "Mohammed",
            "Fatima",
            "Ahmed",
            "Noura",
            "Abdullah",
            "Maryam",
            "Omar",
            "Aisha",
            "Khalid",
            "Layla",
            "Yousef",
            "Sara",
        ),
        (
            "Al Harbi",
            "Al Otaibi",
            "Al Qahtani",
            "Al Mansoori",
            "Al Hashimi",
            "Al Shehhi",
            "Al Ghamdi",
            "Al Zahrani",
            "Al Dosari",
            "Al Nuaimi",
            "Al Ali",
            "Al Falasi",
        ),
    ),
}
SEA_NAMES = (  # Singapore and Malaysia shop in English under Chinese, Malay and Indian names
    ("Wei Ling", "Jun Jie", "Nur Aisyah", "Muhammad Hafiz", "Priya", "Arjun", "Mei Xin",
     "Kai Wen", "Siti Nur", "Daniel", "Rachel", "Ahmad"),
    ("Tan", "Lim", "Lee", "Ng", "Wong", "Abdullah", "Rahman", "Kumar", "Goh", "Chua",
     "Ismail", "Nair"),
)  # fmt: skip


@dataclass(frozen=True)
class HistoryCounts:
    customers: int
    orders: int
    lines: int
    shipments: int
    returns: int
    refunds: int
    payments: int
    seconds: float


@dataclass(frozen=True)
class _MarketRows:
    market: Market
    currency: str
    exponent: int
    language: str
    names: tuple[tuple[str, ...], tuple[str, ...]]
    warehouse_id: int
    carrier: str
    tracking_prefix: str
    methods: tuple[str, ...]
    transit: tuple[int, int]
    inclusive: bool


def _names_for(market: Market) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if market.code in ("sg", "my"):
        return SEA_NAMES
    return NAMES.get(market.default_language, NAMES["en"])


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def history_start(today: date) -> date:
    return today - timedelta(days=HISTORY_DAYS)


def build_history(
    *,
    seed: int,
    customers: int,
    markets: Sequence[Market],
    today: date,
    say: Callable[[str], None],
) -> HistoryCounts:
    """Plan and store the history of ``customers`` customers up to the start of ``today``."""
    started = time.perf_counter()
    start = history_start(today)
    ordered = sorted(markets, key=lambda m: m.code)
    destinations = _destinations(ordered)
    profiles = _profiles(ordered, destinations)
    catalogue, variants = _catalogue(seed, ordered)
    taxes, tax_notes = _tax_table(ordered, destinations, start, HISTORY_DAYS)
    rows = _market_rows(ordered)
    with RowWriter() as writer:
        facts = _LineFacts(
            variant_ids=[v.pk for v in variants],
            names=[v.product.name for v in variants],
            skus=[v.sku for v in variants],
            options=[writer.json(OrderLine, "options", v.options) for v in variants],
            hs_codes=[v.product.hs_code for v in variants],
            tax_classes=[TAX_CLASSES.index(v.product.tax_class) for v in variants],
            tax_notes=tax_notes,
        )
        totals = dict.fromkeys(
            ("customers", "orders", "lines", "shipments", "returns", "refunds", "payments"), 0
        )
        size = hp.CHUNK_CUSTOMERS
        for chunk, first in enumerate(range(0, customers, size)):
            plan = hp.plan_chunk(
                seed=seed,
                chunk=chunk,
                first_customer=first,
                customers=min(size, customers - first),
                markets=profiles,
                catalogue=catalogue,
                taxes=taxes,
                start=start,
                days=HISTORY_DAYS,
            )
            stored = _store_chunk(plan, rows, destinations, facts, writer, start)
            for key, value in stored.items():
                totals[key] += value
            done = first + plan.customers
            say(
                f"  History: {done:,}/{customers:,} customers, {totals['orders']:,} orders, "
                f"{totals['returns']:,} returns ({time.perf_counter() - started:.1f} s)"
            )
        writer.finish()
        return HistoryCounts(**totals, seconds=time.perf_counter() - started)


def _destinations(markets: Sequence[Market]) -> list[tuple[str, str, str, float]]:
    """(market code, country, US state, weight) of every ship-to place."""
    found: list[tuple[str, str, str, float]] = []
    for market in markets:
        countries = list(market.countries.order_by("pk").values_list("country", flat=True))
        for position, country in enumerate(countries):
            if country == "US":
                found += [(market.code, "US", s, w) for s, w, _, _ in US_STATES]
            else:
                # the first-listed countries of a market are its big ones
                found.append((market.code, country, "", 1.0 / (1 + position)))
    return found


def _profiles(
    markets: Sequence[Market], destinations: list[tuple[str, str, str, float]]
) -> tuple[hp.MarketProfile, ...]:
    profiles = []
    for market in markets:
        mine = [i for i, d in enumerate(destinations) if d[0] == market.code]
        exponent = currency_decimals(market.currency)
        rates = RATES[market.currency]
        methods = _methods(market)
        weights = METHOD_WEIGHTS.get(market.code, {})
        limit = COD_LIMITS.get(market.code)
        profiles.append(
            hp.MarketProfile(
                code=market.code,
                share=SHARES.get(market.code, DEFAULT_SHARE),
                destinations=tuple(mine),
                destination_weights=tuple(destinations[i][3] for i in mine),
                events=EVENTS.get(market.code, WESTERN),
                prices_include_tax=market.tax_display == "inclusive",
                return_days=market.return_days,
                return_rate=RETURN_RATES.get(market.code, DEFAULT_RETURN_RATE),
                handling_days=_handling_days(market.code),
                transit_days=transit_days(market.code),
                shipping_fee=int(rates.standard.scaleb(exponent)),
                free_over=int(rates.free_over.scaleb(exponent)),
                methods=methods,
                method_weights=tuple(weights.get(m, 1.0 if m == "card" else 0.0) for m in methods),
                cod_max=int(limit.scaleb(exponent)) if limit is not None else 0,
                bank_transfer_days=BANK_TRANSFER_DAYS.get(market.code, 7),
            )
        )
    return tuple(profiles)


def _handling_days(market_code: str) -> int:
    return next(w.handling_days for w in WAREHOUSES if w.code == primary_warehouse(market_code))


def _methods(market: Market) -> tuple[str, ...]:
    offered = [m for m in ("bank_transfer", "cod") if m in market.payment_methods]
    return ("card", *offered)


def _catalogue(seed: int, markets: Sequence[Market]) -> tuple[hp.Catalogue, list[Variant]]:
    variants = list(Variant.objects.select_related("product").order_by("pk"))
    if not variants:
        raise ValueError("The demo history needs a catalog; load products first.")
    index = {v.pk: i for i, v in enumerate(variants)}
    published = set(Publication.objects.values_list("product_id", "market_id"))
    prices = np.zeros((len(markets), len(variants)), np.int64)
    for row, market in enumerate(markets):
        exponent = currency_decimals(market.currency)
        for variant_id, price in prices_in_market(variants, market).items():
            variant = variants[index[variant_id]]
            if (variant.product_id, market.pk) in published:
                prices[row, index[variant_id]] = int(price.price.amount.scaleb(exponent))
    rng = np.random.default_rng([seed, len(variants)])
    # a few best sellers, a long tail: Zipf-like popularity by a fixed shuffle of products
    rank = rng.permutation(len(variants)) + 1
    popularity = 1.0 / rank.astype(np.float64) ** 0.8
    price_eur = np.array([float(v.price_amount) for v in variants])
    tax_class = np.array([TAX_CLASSES.index(v.product.tax_class) for v in variants], np.int64)
    return hp.Catalogue(prices, popularity, price_eur, tax_class), variants


def _tax_table(
    markets: Sequence[Market],
    destinations: list[tuple[str, str, str, float]],
    start: date,
    days: int,
) -> tuple[hp.TaxTable, dict[tuple[int, int, int], tuple[str, str]]]:
    """Rates per place, product class and month from the tax engine's rules, with the
    regime and rule references to store on each line."""
    ruleset = rules()
    origin = {
        m.code: next(w.country for w in WAREHOUSES if w.code == primary_warehouse(m.code))
        for m in markets
    }
    first_month = start.replace(day=1)
    months = (start + timedelta(days=days)).year * 12 + (start + timedelta(days=days)).month
    count = months - (first_month.year * 12 + first_month.month) + 1
    table = np.zeros((len(destinations), len(TAX_CLASSES), count), np.int64)
    notes: dict[tuple[int, int, int], tuple[str, str]] = {}
    for d, (code, country, region, _) in enumerate(destinations):
        for k, tax_class in enumerate(TAX_CLASSES):
            for month in range(count):
                year, zero_month = divmod(first_month.month - 1 + month, 12)
                at = datetime(first_month.year + year, zero_month + 1, 15, 12, tzinfo=UTC)
                try:
                    resolved = engine.shopper_rate(
                        ruleset, origin[code], country, tax_class, at, destination_region=region
                    )
                except TaxInputError:
                    continue
                table[d, k, month] = int((resolved.rate * 100).to_integral_value())
                regime = "+".join(dict.fromkeys(row.component for row in resolved.rows))
                notes[(d, k, month)] = (regime, "; ".join(map(str, resolved.refs))[:300])
    return hp.TaxTable(table, first_month), notes


def _market_rows(markets: Sequence[Market]) -> list[_MarketRows]:
    warehouses = dict(Warehouse.objects.values_list("code", "pk"))
    return [
        _MarketRows(
            market=m,
            currency=m.currency,
            exponent=currency_decimals(m.currency),
            language=m.default_language,
            names=_names_for(m),
            warehouse_id=warehouses[primary_warehouse(m.code)],
            carrier=CARRIERS[m.code][0],
            tracking_prefix=_ascii(CARRIERS[m.code][0])[:3].upper(),
            methods=_methods(m),
            transit=transit_days(m.code),
            inclusive=m.tax_display == "inclusive",
        )
        for m in markets
    ]


def _moments(days: np.ndarray, start: date) -> list[datetime | None]:
    """Float days since ``start`` as naive UTC datetimes (None where not reached)."""
    origin = np.datetime64(start, "ms")
    reached = ~np.isnan(days)
    stamps = origin + (np.where(reached, days, 0) * 86_400_000).astype("timedelta64[ms]")
    return [
        moment if ok else None
        for moment, ok in zip(stamps.astype(datetime).tolist(), reached.tolist(), strict=True)
    ]


def _reached(moments: list[datetime | None]) -> list[datetime]:
    """Moments every row has (joining, placing, requesting), checked as such."""
    known = [m for m in moments if m is not None]
    if len(known) != len(moments):
        raise ValueError("A planned moment that every row has is missing.")
    return known


def _amount(value: int, exponent: int) -> Decimal:
    return Decimal(value).scaleb(-exponent)


def _order_number(value: int) -> str:
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    digits = "".join(alphabet[(value >> (5 * i)) & 31] for i in range(9, -1, -1))
    return f"TW-{digits[:5]}-{digits[5:]}"


@dataclass
class _Chunk:
    """One planned chunk on its way into the database."""

    plan: hp.HistoryChunk
    rows: list[_MarketRows]
    writer: RowWriter
    start: date
    customer_ids: range
    emails: list[str]
    addresses: list[Any]  # prepared JSON of each customer's address


def _store_chunk(
    plan: hp.HistoryChunk,
    rows: list[_MarketRows],
    destinations: list[tuple[str, str, str, float]],
    facts: _LineFacts,
    writer: RowWriter,
    start: date,
) -> dict[str, int]:
    w = writer
    joined = _reached(_moments(plan.joined, start))
    customer_ids = w.ids(Customer, plan.customers)
    address_ids = w.ids(Address, plan.customers)
    customers: list[dict[str, Any]] = []
    addresses: list[dict[str, Any]] = []
    emails: list[str] = []
    prepared: list[Any] = []
    for i in range(plan.customers):
        info = rows[int(plan.market[i])]
        firsts, lasts = info.names
        first = firsts[int(plan.name_draws[i, 0]) % len(firsts)]
        last = lasts[int(plan.name_draws[i, 1]) % len(lasts)]
        number = plan.first_customer + i + 1
        email = f"{_ascii(first)}.{_ascii(last)}.{number}@example.com"
        at = w.moment(joined[i])
        customers.append(
            {
                "id": customer_ids[i],
                "email": email,
                "first_name": first,
                "last_name": last,
                "language": info.language,
                "market_id": info.market.pk,
                "accepts_marketing": bool(plan.marketing[i]),
                "marketing_consent_at": at if plan.marketing[i] else None,
                "created_at": at,
            }
        )
        address = _address(
            first, last, number, info.language, destinations[int(plan.destination[i])]
        )
        addresses.append(
            {
                "id": address_ids[i],
                "customer_id": customer_ids[i],
                **address,
                "is_default_shipping": True,
                "is_default_billing": True,
                "created_at": at,
                "updated_at": at,
            }
        )
        emails.append(email)
        prepared.append(w.json(Order, "shipping_address", address))
    w.insert(Customer, customers)
    w.insert(Address, addresses)
    chunk = _Chunk(plan, rows, w, start, customer_ids, emails, prepared)
    counts = {"customers": plan.customers}
    returns_of = {int(o): r for r, o in enumerate(plan.return_order.tolist())}
    for lo in range(0, len(plan.placed), ORDER_SLICE):
        hi = min(lo + ORDER_SLICE, len(plan.placed))
        for key, value in _store_orders(chunk, lo, hi, facts, returns_of).items():
            counts[key] = counts.get(key, 0) + value
    return counts


@dataclass(frozen=True)
class _LineFacts:
    """What each variant's order lines repeat, prepared once."""

    variant_ids: list[int]
    names: list[str]
    skus: list[str]
    options: list[Any]
    hs_codes: list[str]
    tax_classes: list[int]
    tax_notes: dict[tuple[int, int, int], tuple[str, str]]


def _address(
    first: str, last: str, number: int, language: str, destination: tuple[str, str, str, float]
) -> dict[str, str]:
    _, country, state, _ = destination
    if country == "US":
        _, _, city, postal = next(s for s in US_STATES if s[0] == state)
        street = f"{100 + number % 900} Main Street"
    else:
        city, postal = CITIES.get(country, ("", ""))
        street = f"{STREETS.get(language, 'High Street')} {1 + number % 120}"
    return {
        "name": f"{first} {last}",
        "company": "",
        "street_address_1": street,
        "street_address_2": "",
        "city": city,
        "city_area": "",
        "postal_code": postal,
        "country_area": state,
        "sorting_code": "",
        "country": country,
        "phone": "",
    }


def _store_orders(
    chunk: _Chunk, lo: int, hi: int, facts: _LineFacts, returns_of: dict[int, int]
) -> dict[str, int]:
    plan, w, start = chunk.plan, chunk.writer, chunk.start
    placed = _reached(_moments(plan.placed[lo:hi], start))
    paid = _moments(plan.paid[lo:hi], start)
    shipped = _moments(plan.shipped[lo:hi], start)
    delivered = _moments(plan.delivered[lo:hi], start)
    cancelled = _moments(plan.cancelled[lo:hi], start)
    first_month = start.year * 12 + start.month
    order_ids = w.ids(Order, hi - lo)
    line_ids = w.ids(OrderLine, int(plan.line_count[lo:hi].sum()))
    line_base = int(plan.line_start[lo])
    orders: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    shipments: list[dict[str, Any]] = []
    shipment_lines: list[dict[str, Any]] = []
    payments: list[dict[str, Any]] = []
    shipped_count = sum(1 for s in shipped if s is not None)
    shipment_ids = iter(w.ids(Shipment, shipped_count))
    shipped_lines = int(plan.line_count[lo:hi][~np.isnan(plan.shipped[lo:hi])].sum())
    shipment_line_ids = iter(w.ids(ShipmentLine, shipped_lines))
    payment_ids = w.ids(Payment, hi - lo)
    numbers: list[str] = []
    for j, o in enumerate(range(lo, hi)):
        customer = int(plan.order_customer[o])
        info = chunk.rows[int(plan.market[customer])]
        e = info.exponent
        moment = placed[j]
        number = _order_number(int(plan.order_number[o]))
        numbers.append(number)
        low, high = info.transit
        total = _amount(int(plan.total[o]), e)
        refunded = _amount(int(plan.refunded[o]), e)
        last = max(t for t in (moment, paid[j], shipped[j], delivered[j], cancelled[j]) if t)
        orders.append(
            {
                "id": order_ids[j],
                "number": number,
                "market_id": info.market.pk,
                "customer_id": chunk.customer_ids[customer],
                "email": chunk.emails[customer],
                "language": info.language,
                "currency": info.currency,
                "shipping_address": chunk.addresses[customer],
                "billing_address": chunk.addresses[customer],
                "shipping_method_name": "Standard",
                "shipping_carrier": info.carrier,
                "delivery_promise_from": moment.date() + timedelta(days=1 + low * 7 // 5),
                "delivery_promise_to": moment.date() + timedelta(days=2 + high * 7 // 5),
                "prices_include_tax": info.inclusive,
                "subtotal_amount": _amount(int(plan.subtotal[o]), e),
                "shipping_amount": _amount(int(plan.shipping[o]), e),
                "tax_amount": _amount(int(plan.tax[o]), e),
                "total_amount": total,
                "refunded_amount": refunded,
                "status": hp.STATUSES[int(plan.status[o])],
                "placed_at": w.moment(moment),
                "paid_at": w.moment(paid[j]),
                "fulfilled_at": w.moment(shipped[j]),
                "delivered_at": w.moment(delivered[j]),
                "cancelled_at": w.moment(cancelled[j]),
                "updated_at": w.moment(last),
            }
        )
        month = moment.year * 12 + moment.month - first_month
        destination = int(plan.destination[customer])
        first_line = int(plan.line_start[o])
        count = int(plan.line_count[o])
        ids = line_ids[first_line - line_base : first_line - line_base + count]
        for line_id, li in zip(ids, range(first_line, first_line + count), strict=True):
            v = int(plan.line_variant[li])
            regime, ref = facts.tax_notes.get((destination, facts.tax_classes[v], month), ("", ""))
            lines.append(
                {
                    "id": line_id,
                    "order_id": order_ids[j],
                    "variant_id": facts.variant_ids[v],
                    "product_name": facts.names[v],
                    "sku": facts.skus[v],
                    "options": facts.options[v],
                    "quantity": int(plan.line_quantity[li]),
                    "currency": info.currency,
                    "unit_price": _amount(int(plan.line_unit[li]), e),
                    "net_amount": _amount(int(plan.line_net[li]), e),
                    "tax_rate": Decimal(int(plan.line_rate_bp[li])).scaleb(-2),
                    "tax_amount": _amount(int(plan.line_tax[li]), e),
                    "total_amount": _amount(int(plan.line_total[li]), e),
                    "regime": regime,
                    "tax_rule_ref": ref,
                    "hs_code": facts.hs_codes[v],
                }
            )
        if shipped[j] is not None:
            shipment_id = next(shipment_ids)
            shipments.append(
                {
                    "id": shipment_id,
                    "order_id": order_ids[j],
                    "warehouse_id": info.warehouse_id,
                    "carrier": info.carrier,
                    "tracking_number": f"{info.tracking_prefix}{number[3:]}",
                    "shipped_at": w.moment(shipped[j]),
                    "delivered_at": w.moment(delivered[j]),
                }
            )
            shipment_lines += [
                {
                    "id": next(shipment_line_ids),
                    "shipment_id": shipment_id,
                    "line_id": line_id,
                    "quantity": int(plan.line_quantity[li]),
                }
                for line_id, li in zip(ids, range(first_line, first_line + count), strict=True)
            ]
        payments.append(
            _payment(
                payment_ids[j],
                order_ids[j],
                number,
                info,
                info.methods[int(plan.method[o])],
                total,
                refunded,
                (moment, paid[j], delivered[j], cancelled[j]),
                w,
            )
        )
    w.insert(Order, orders)
    w.insert(OrderLine, lines)
    w.insert(Shipment, shipments)
    w.insert(ShipmentLine, shipment_lines)
    w.insert(Payment, payments)
    returns, refunds = _store_returns(
        chunk, lo, hi, order_ids, line_ids, payment_ids, numbers, returns_of
    )
    return {
        "orders": len(orders),
        "lines": len(lines),
        "shipments": len(shipments),
        "returns": returns,
        "refunds": refunds,
        "payments": len(payments),
    }


def _payment(
    payment_id: int,
    order_id: int,
    number: str,
    info: _MarketRows,
    method: str,
    total: Decimal,
    refunded: Decimal,
    moments: tuple[datetime, datetime | None, datetime | None, datetime | None],
    w: RowWriter,
) -> dict[str, Any]:
    placed, paid, delivered, cancelled = moments
    captured = total
    if cancelled is not None:
        status, captured = "expired", ZERO
    elif method == "cod":
        # cash changes hands at the door
        status = "captured" if delivered is not None else "pending"
        captured = total if delivered is not None else ZERO
    elif paid is None:
        status, captured = "pending", ZERO
    else:
        status = "captured"
    if refunded:
        status = "refunded" if refunded == captured else "partially_refunded"
    return {
        "id": payment_id,
        "order_id": order_id,
        "market_id": info.market.pk,
        "reference": number,
        "provider": provider_for_method(method) or "test_card",
        "method": method,
        "status": status,
        "amount": total,
        "currency": info.currency,
        "captured_amount": captured,
        "refunded_amount": refunded,
        "provider_ref": f"demo_{number}",
        "idempotency_key": f"demo-{number}",
        "expires_at": w.moment(cancelled),
        "created_at": w.moment(placed),
        "updated_at": w.moment(paid or cancelled or placed),
    }


def _store_returns(
    chunk: _Chunk,
    lo: int,
    hi: int,
    order_ids: range,
    line_ids: range,
    payment_ids: range,
    numbers: list[str],
    returns_of: dict[int, int],
) -> tuple[int, int]:
    plan, w = chunk.plan, chunk.writer
    chosen = [(o, returns_of[o]) for o in range(lo, hi) if o in returns_of]
    if not chosen:
        return 0, 0
    index = np.array([r for _, r in chosen])
    requested = _reached(_moments(plan.return_requested[index], chunk.start))
    decided = _moments(plan.return_decided[index], chunk.start)
    received = _moments(plan.return_received[index], chunk.start)
    refunded = _moments(plan.return_refunded[index], chunk.start)
    request_ids = w.ids(ReturnRequest, len(chosen))
    refund_ids = iter(w.ids(Refund, sum(1 for r in refunded if r is not None)))
    returned = plan.line_returned
    line_base = int(plan.line_start[lo])
    return_line_ids = iter(w.ids(ReturnLine, int(returned[_order_lines(plan, lo, hi)].sum())))
    requests: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    refunds: list[dict[str, Any]] = []
    for k, (o, r) in enumerate(chosen):
        info = chunk.rows[int(plan.market[int(plan.order_customer[o])])]
        number = numbers[o - lo]
        reason = hp.RETURN_REASONS[int(plan.return_reason[r])]
        amount = _amount(int(plan.return_amount[r]), info.exponent)
        done = refunded[k] is not None
        requests.append(
            {
                "id": request_ids[k],
                "order_id": order_ids[o - lo],
                "status": hp.RETURN_STATUSES[int(plan.return_status[r])],
                "reason": reason,
                "note": "",
                "currency": info.currency,
                "refund_amount": amount if done else None,
                "refund_reference": f"demo-refund-{number}" if done else "",
                "created_at": w.moment(requested[k]),
                "decided_at": w.moment(decided[k]),
                "received_at": w.moment(received[k]),
                "refunded_at": w.moment(refunded[k]),
            }
        )
        first_line = int(plan.line_start[o])
        for li in range(first_line, first_line + int(plan.line_count[o])):
            if returned[li]:
                lines.append(
                    {
                        "id": next(return_line_ids),
                        "return_request_id": request_ids[k],
                        "line_id": line_ids[li - line_base],
                        "quantity": int(plan.line_quantity[li]),
                        "reason_code": reason,
                        "restock": (reason != "damaged") if received[k] else None,
                    }
                )
        if done:
            refunds.append(
                {
                    "id": next(refund_ids),
                    "payment_id": payment_ids[o - lo],
                    "amount": amount,
                    "currency": info.currency,
                    "succeeded": True,
                    "provider_ref": f"demo_re_{number}",
                    "idempotency_key": f"demo-refund-{number}",
                    "reason": reason,
                    "actor_label": "demo history",
                    "created_at": w.moment(refunded[k]),
                }
            )
    w.insert(ReturnRequest, requests)
    w.insert(ReturnLine, lines)
    w.insert(Refund, refunds)
    return len(requests), len(refunds)


def _order_lines(plan: hp.HistoryChunk, lo: int, hi: int) -> slice:
    """The lines of orders ``lo`` … ``hi`` (lines are grouped by order)."""
    end = int(plan.line_start[hi - 1] + plan.line_count[hi - 1])
    return slice(int(plan.line_start[lo]), end)
