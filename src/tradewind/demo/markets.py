"""The demo brand's markets and exchange rates.

The brand ships from Portugal and prices in euros. Each market below follows the local
rules a cross-border store meets there: how prices show tax, who pays import duties, how
shoppers pay, the statutory withdrawal period and how prices are rounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from tradewind.demo.plan import MarketFacts
from tradewind.markets import fx
from tradewind.markets.models import FxRate, Market, MarketCountry
from tradewind.markets.services import (
    ECB_EFFECTIVE_TIME,
    FxImportResult,
    import_ecb_rates,
    set_rate,
)

RATES_FILE = Path(__file__).resolve().parent / "data" / "eurofxref-demo.xml"
# Currencies pegged to the US dollar that the ECB does not publish: units per 1 USD.
USD_PEGS: dict[str, Decimal] = {"AED": Decimal("3.6725"), "SAR": Decimal("3.75")}
EU_WITHDRAWAL_DAYS = 14
RETURN_POLICY_DAYS = 30


@dataclass(frozen=True)
class MarketSpec:
    code: str
    name: str
    currency: str
    countries: tuple[str, ...]
    default_language: str
    languages: tuple[str, ...]
    payment_methods: tuple[str, ...]
    subfolder: str
    tax_display: str = "inclusive"
    duties_mode: str = "DDP"
    statutory_return_days: int = 0
    units: str = "metric"
    price_adjustment_percent: Decimal = Decimal(0)
    rounding_increment: Decimal | None = None
    price_ending: Decimal | None = None
    warm: bool = False  # cold-weather products are not offered here


EU_CARDS = ("card", "paypal", "apple_pay", "google_pay", "klarna")
# Base prices end in .95; euro markets keep them exactly as entered.
EURO_STEP = Decimal(1)
EURO_ENDING = Decimal("0.95")

MARKETS: tuple[MarketSpec, ...] = (
    MarketSpec(
        "us",
        "United States",
        "USD",
        ("US",),
        "en",
        (),
        ("card", "paypal", "apple_pay", "google_pay"),
        "en-us",
        # US shelf prices exclude sales tax, which depends on the ship-to address
        tax_display="exclusive",
        # since de minimis ended every parcel is dutiable; collecting duties at checkout
        # spares shoppers a carrier's bill on the doorstep
        duties_mode="DDP",
        units="imperial",
        price_adjustment_percent=Decimal(4),
    ),
    MarketSpec(
        "dach",
        "Germany & Austria",
        "EUR",
        ("DE", "AT"),
        "de",
        ("en",),
        ("card", "paypal", "klarna", "sofort", "apple_pay", "google_pay"),
        "de",
        statutory_return_days=EU_WITHDRAWAL_DAYS,
        rounding_increment=EURO_STEP,
        price_ending=EURO_ENDING,
    ),
    MarketSpec(
        "fr",
        "France, Belgium & Luxembourg",
        "EUR",
        ("FR", "BE", "LU", "MC"),
        "fr",
        ("nl", "de", "en"),
        EU_CARDS,
        "fr",
        statutory_return_days=EU_WITHDRAWAL_DAYS,
        rounding_increment=EURO_STEP,
        price_ending=EURO_ENDING,
    ),
    MarketSpec(
        "es",
        "Spain",
        "EUR",
        ("ES",),
        "es",
        ("en",),
        EU_CARDS,
        "es",
        statutory_return_days=EU_WITHDRAWAL_DAYS,
        rounding_increment=EURO_STEP,
        price_ending=EURO_ENDING,
    ),
    MarketSpec(
        "it",
        "Italy",
        "EUR",
        ("IT",),
        "it",
        ("en",),
        EU_CARDS,
        "it",
        statutory_return_days=EU_WITHDRAWAL_DAYS,
        rounding_increment=EURO_STEP,
        price_ending=EURO_ENDING,
    ),
    MarketSpec(
        "nl",
        "Netherlands",
        "EUR",
        ("NL",),
        "nl",
        ("en",),
        ("ideal", "card", "paypal", "klarna", "apple_pay"),
        "nl",
        statutory_return_days=EU_WITHDRAWAL_DAYS,
        rounding_increment=EURO_STEP,
        price_ending=EURO_ENDING,
    ),
    MarketSpec(
        "eu",
        "Europe (other euro countries)",
        "EUR",
        ("PT", "IE", "FI", "GR", "EE", "LV", "LT", "SK", "SI", "HR", "CY", "MT", "BG"),
        "en",
        ("de", "fr", "es", "it", "nl"),
        EU_CARDS,
        "eu",
        statutory_return_days=EU_WITHDRAWAL_DAYS,
        rounding_increment=EURO_STEP,
        price_ending=EURO_ENDING,
    ),
    MarketSpec(
        "gb",
        "United Kingdom",
        "GBP",
        ("GB",),
        "en",
        (),
        ("card", "paypal", "apple_pay", "google_pay", "klarna"),
        "en-gb",
        # UK VAT on parcels up to 135 GBP is collected by the seller at checkout
        duties_mode="DDP",
        statutory_return_days=EU_WITHDRAWAL_DAYS,
        price_adjustment_percent=Decimal(3),
    ),
    MarketSpec(
        "jp",
        "Japan",
        "JPY",
        ("JP",),
        "ja",
        ("en",),
        ("card", "konbini", "paypal", "apple_pay"),
        "ja-jp",
        price_adjustment_percent=Decimal(5),
        rounding_increment=Decimal(100),
        price_ending=Decimal(0),
    ),
    MarketSpec(
        "sg",
        "Singapore",
        "SGD",
        ("SG",),
        "en",
        (),
        ("card", "paynow", "grabpay", "apple_pay", "paypal"),
        "en-sg",
        price_adjustment_percent=Decimal(3),
        warm=True,
    ),
    MarketSpec(
        "my",
        "Malaysia",
        "MYR",
        ("MY",),
        "en",
        (),
        ("card", "grabpay", "cod"),
        "en-my",
        duties_mode="DAP",
        price_adjustment_percent=Decimal(3),
        rounding_increment=Decimal(1),
        price_ending=Decimal("0.90"),
        warm=True,
    ),
    MarketSpec(
        "id",
        "Indonesia",
        "IDR",
        ("ID",),
        "id",
        ("en",),
        ("bank_transfer", "cod", "card"),
        "id-id",
        duties_mode="DAP",
        price_adjustment_percent=Decimal(3),
        warm=True,
    ),
    MarketSpec(
        "ae",
        "United Arab Emirates",
        "AED",
        ("AE",),
        "ar",
        ("en",),
        ("card", "apple_pay", "cod"),
        "ar-ae",
        price_adjustment_percent=Decimal(8),
        rounding_increment=Decimal(5),
        price_ending=Decimal(0),
        warm=True,
    ),
    MarketSpec(
        "sa",
        "Saudi Arabia",
        "SAR",
        ("SA",),
        "ar",
        ("en",),
        ("mada", "card", "apple_pay", "cod"),
        "ar-sa",
        price_adjustment_percent=Decimal(8),
        rounding_increment=Decimal(5),
        price_ending=Decimal(0),
        warm=True,
    ),
)

# The launch tee's fixed local prices, set by the brand rather than converted.
HERO_PRICES: dict[str, Decimal] = {
    "us": Decimal("29.00"),
    "jp": Decimal("4900"),
    "gb": Decimal("25.00"),
}

MARKET_FACTS = MarketFacts(
    codes=tuple(spec.code for spec in MARKETS),
    warm=frozenset(spec.code for spec in MARKETS if spec.warm),
    hero_prices=HERO_PRICES,
)


@dataclass(frozen=True)
class RatesLoaded:
    ecb: FxImportResult
    pegged: int


def load_rates() -> RatesLoaded:
    """The shipped ECB-format rates, plus the Gulf currencies from their dollar pegs."""
    content = RATES_FILE.read_bytes()
    ecb = import_ecb_rates(content, rate_time=ECB_EFFECTIVE_TIME)
    dollar = {
        datetime.combine(q.day, ECB_EFFECTIVE_TIME, tzinfo=UTC): q.rate
        for q in fx.parse_ecb_xml(content)
        if q.currency == "USD"
    }
    stored = set(
        FxRate.objects.filter(currency__in=USD_PEGS, effective_at__in=dollar).values_list(
            "currency", "effective_at"
        )
    )
    pegged = 0
    for effective, usd in dollar.items():
        for currency, per_usd in USD_PEGS.items():
            if (currency, effective) in stored:
                continue
            set_rate(
                currency,
                (usd * per_usd).quantize(Decimal("0.0001")),
                effective,
                note=(
                    f"Derived from the peg of {per_usd} {currency} per USD and the ECB USD "
                    f"rate of {usd} on {effective:%Y-%m-%d}; the ECB publishes no "
                    f"{currency} rate."
                ),
            )
            pegged += 1
    return RatesLoaded(ecb, pegged)


def create_markets() -> list[Market]:
    markets = []
    countries = []
    for spec in MARKETS:
        market = Market(
            code=spec.code,
            name=spec.name,
            currency=spec.currency,
            default_language=spec.default_language,
            languages=list(spec.languages),
            tax_display=spec.tax_display,
            duties_mode=spec.duties_mode,
            payment_methods=list(spec.payment_methods),
            statutory_return_days=spec.statutory_return_days,
            merchant_return_days=RETURN_POLICY_DAYS,
            units=spec.units,
            subfolder=spec.subfolder,
            price_adjustment_percent=spec.price_adjustment_percent,
            rounding_increment=spec.rounding_increment,
            price_ending=spec.price_ending,
        )
        market.full_clean()
        market.save()
        markets.append(market)
        for code in spec.countries:
            country = MarketCountry(market=market, country=code)
            country.full_clean()
            countries.append(country)
    MarketCountry.objects.bulk_create(countries)
    return markets
