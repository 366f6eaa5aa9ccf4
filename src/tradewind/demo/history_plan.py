"""Two years of believable order history, planned as numpy arrays (pure: no Django).

Buying follows the BG/NBD story, so that models fitted later (RFM, BG/NBD, Gamma-Gamma
CLV) meet the kind of data they were made for:

* each customer buys, while alive, as a Poisson process whose rate is drawn from a Gamma
  distribution (most people rarely, a loyal core often);
* after every repeat purchase the customer drops out for good with a probability drawn
  from a Beta distribution (churners), so many buy once and never again;
* the value of an order is Gamma distributed around a customer's own mean, itself Gamma
  distributed across customers (the Gamma-Gamma spend model).

Seasons are laid over this by time-warping: purchases are drawn on a uniform "operational"
clock and mapped to calendar time through each market's cumulative daily intensity, so
Black Friday, Christmas, 11.11 and Ramadan draw more orders without changing the count
model. Amounts are integers in the currency's minor unit (exact, never floats); times are
float days since the start of the history. The same seed and chunk give the same arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

CHUNK_CUSTOMERS = 50_000
MAX_REPEATS = 60  # a Poisson draw is capped here; the heaviest buyers stay believable
ORDER_BITS = 50
ORDER_MASK = (1 << ORDER_BITS) - 1
SEQ_BITS = 8  # purchases per customer fit in 8 bits (MAX_REPEATS + 1 < 256)

# Status codes of the plan (index into STATUSES); the names are the order states.
STATUSES = (
    "pending_payment",
    "paid",
    "fulfilled",
    "delivered",
    "return_requested",
    "returned",
    "refunded",
    "partially_refunded",
    "cancelled",
)
PENDING, PAID, FULFILLED, DELIVERED, RETURN_REQUESTED, RETURNED, REFUNDED = range(7)
PARTIALLY_REFUNDED, CANCELLED = 7, 8

RETURN_STATUSES = ("requested", "approved", "rejected", "received", "refunded")
R_REQUESTED, R_APPROVED, R_REJECTED, R_RECEIVED, R_REFUNDED = range(5)
RETURN_REASONS = (
    "too_small",
    "too_big",
    "not_as_described",
    "damaged",
    "changed_mind",
    "late_delivery",
    "other",
)
REASON_WEIGHTS = (0.24, 0.18, 0.14, 0.06, 0.26, 0.04, 0.08)

# Ramadan by the Umm al-Qura calendar, approximate (the start depends on the moon sighting).
RAMADAN: tuple[tuple[date, date], ...] = (
    (date(2024, 3, 11), date(2024, 4, 9)),
    (date(2025, 3, 1), date(2025, 3, 30)),
    (date(2026, 2, 18), date(2026, 3, 19)),
    (date(2027, 2, 8), date(2027, 3, 9)),
    (date(2028, 1, 28), date(2028, 2, 26)),
)

# Events a market observes (MarketProfile.events).
BLACK_FRIDAY = "black_friday"
CHRISTMAS = "christmas"
DOUBLE_DAYS = "double_days"  # 11.11 and 12.12 in Southeast Asia
RAMADAN_EVENT = "ramadan"
NEW_YEAR_SALES = "new_year_sales"  # Japan's hatsuuri in the first days of January


@dataclass(frozen=True)
class BuyingParams:
    """BG/NBD and Gamma-Gamma parameters; rates are per day, spend in euros."""

    r: float = 0.6  # Gamma shape of the purchase rate
    alpha: float = 100.0  # Gamma rate (days): mean rate r/alpha, about 2 a year
    a: float = 1.2  # Beta parameters of the dropout probability: mean a/(a+b) = 0.32
    b: float = 2.5
    spend_p: float = 6.0  # Gamma shape of one order's value around the customer's mean
    spend_q: float = 4.0  # Gamma-Gamma shape across customers
    spend_gamma: float = 40.0  # mean order value = spend_p * spend_gamma / (spend_q - 1)
    growth: float = 0.4  # acquisition density grows from growth to growth + 1 over the years


@dataclass(frozen=True)
class MarketProfile:
    code: str
    share: float  # of customers
    destinations: tuple[int, ...]  # indices into the tax table's destinations
    destination_weights: tuple[float, ...]
    events: frozenset[str]
    prices_include_tax: bool
    return_days: int
    return_rate: float  # share of delivered orders with a return request
    handling_days: int
    transit_days: tuple[int, int]  # business days from the serving warehouse
    shipping_fee: int  # minor units, charged below free_over
    free_over: int
    methods: tuple[str, ...]  # card, bank_transfer, cod
    method_weights: tuple[float, ...]
    cod_max: int = 0  # minor units; 0 = no limit
    bank_transfer_days: int = 7


@dataclass(frozen=True)
class Catalogue:
    prices: IntArray  # (markets, variants) minor units; 0 = not sold in that market
    popularity: FloatArray  # (variants,)
    price_eur: FloatArray  # (variants,) base price in euros, to size baskets
    tax_class: IntArray  # (variants,) index into the tax table's classes


@dataclass(frozen=True)
class TaxTable:
    basis_points: IntArray  # (destinations, classes, months) rate in 1/100 percent
    start_month: date  # month index 0


@dataclass
class HistoryChunk:
    # customers (index local to the chunk; global index = first_customer + local)
    first_customer: int
    market: IntArray
    destination: IntArray
    name_draws: IntArray  # (customers, 2) random picks for first and last name
    joined: FloatArray
    marketing: BoolArray
    # orders, sorted by placing time
    order_customer: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    order_number: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    placed: FloatArray = field(default_factory=lambda: np.zeros(0))
    paid: FloatArray = field(default_factory=lambda: np.zeros(0))
    shipped: FloatArray = field(default_factory=lambda: np.zeros(0))
    delivered: FloatArray = field(default_factory=lambda: np.zeros(0))
    cancelled: FloatArray = field(default_factory=lambda: np.zeros(0))
    status: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    method: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    subtotal: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    tax: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    shipping: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    total: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    refunded: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    line_start: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    line_count: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    # lines, grouped by order
    line_order: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    line_variant: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    line_quantity: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    line_unit: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    line_net: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    line_tax: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    line_total: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    line_rate_bp: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    line_returned: BoolArray = field(default_factory=lambda: np.zeros(0, np.bool_))
    # returns: one per order at most
    return_order: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    return_reason: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    return_status: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    return_requested: FloatArray = field(default_factory=lambda: np.zeros(0))
    return_decided: FloatArray = field(default_factory=lambda: np.zeros(0))
    return_received: FloatArray = field(default_factory=lambda: np.zeros(0))
    return_refunded: FloatArray = field(default_factory=lambda: np.zeros(0))
    return_amount: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def customers(self) -> int:
        return len(self.market)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def event_days(events: frozenset[str], year: int) -> list[tuple[date, date, float]]:
    """(first day, last day, intensity factor) of the sales peaks a market sees in a year."""
    peaks: list[tuple[date, date, float]] = []
    if BLACK_FRIDAY in events:
        friday = _nth_weekday(year, 11, 3, 4) + timedelta(days=1)
        peaks += [
            (friday - timedelta(days=7), friday - timedelta(days=1), 1.5),
            (friday, friday, 4.0),
            (friday + timedelta(days=1), friday + timedelta(days=2), 2.5),
            (friday + timedelta(days=3), friday + timedelta(days=3), 3.0),  # Cyber Monday
        ]
    if CHRISTMAS in events:
        peaks += [
            (date(year, 12, 1), date(year, 12, 18), 1.7),
            (date(year, 12, 24), date(year, 12, 26), 0.5),
            (date(year, 12, 27), date(year, 12, 31), 1.3),  # gift cards and sales
        ]
    if DOUBLE_DAYS in events:
        peaks += [
            (date(year, 11, 10), date(year, 11, 10), 2.0),
            (date(year, 11, 11), date(year, 11, 11), 6.0),
            (date(year, 11, 12), date(year, 11, 12), 2.0),
            (date(year, 12, 12), date(year, 12, 12), 3.0),
        ]
    if RAMADAN_EVENT in events:
        for first, last in RAMADAN:
            if first.year == year:
                peaks.append((first, last, 1.9))
                # Eid al-Fitr gifts are bought in the last ten nights
                peaks.append((last - timedelta(days=9), last, 2.6))
    if NEW_YEAR_SALES in events:
        peaks.append((date(year, 1, 1), date(year, 1, 4), 2.5))
    return peaks


def seasonality(events: frozenset[str], start: date, days: int) -> FloatArray:
    """Relative order intensity per day from ``start``; its mean is 1."""
    calendar = np.arange(days)
    months = np.array([(start + timedelta(days=int(d))).month for d in calendar])
    # a gentle year: quiet January and summer, busier autumn
    month_factor = np.array([0.8, 0.85, 0.95, 1.0, 1.0, 0.9, 0.85, 0.9, 1.0, 1.05, 1.15, 1.2])
    weights = month_factor[months - 1].astype(np.float64)
    end = start + timedelta(days=days)
    for year in range(start.year, end.year + 1):
        for first, last, factor in event_days(events, year):
            lo = max((first - start).days, 0)
            hi = min((last - start).days + 1, days)
            if lo < hi:
                weights[lo:hi] *= factor
    return weights * (days / weights.sum())


def _warp(operational: FloatArray, intensity: FloatArray) -> FloatArray:
    """Map uniform operational time to calendar days through the cumulative intensity."""
    cumulative = np.concatenate(([0.0], np.cumsum(intensity)))
    day = np.clip(np.searchsorted(cumulative, operational, side="right") - 1, 0, len(intensity) - 1)
    return day + (operational - cumulative[day]) / intensity[day]


def scramble(values: IntArray, seed: int) -> IntArray:
    """A bijection on 50-bit integers: distinct inputs give distinct, random-looking numbers."""
    x = values.astype(np.uint64) & np.uint64(ORDER_MASK)
    key = np.uint64((seed * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & ORDER_MASK)
    for _ in range(2):
        x = (x * np.uint64(0x1F3D5B79A3C1)) & np.uint64(ORDER_MASK)  # odd: invertible mod 2^50
        x ^= x >> np.uint64(23)
        x ^= key
    return x.astype(np.int64)


def _group_ranks(groups: IntArray) -> IntArray:
    """Position of each element within its run of equal (sorted) group ids."""
    n = len(groups)
    if n == 0:
        return np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    lengths = np.diff(np.r_[starts, n])
    return np.arange(n) - np.repeat(starts, lengths)


def _round_div(numerator: IntArray, denominator: IntArray | int) -> IntArray:
    """Integer division rounding half up (for non-negative operands)."""
    return (2 * numerator + denominator) // (2 * np.asarray(denominator))


def plan_chunk(
    *,
    seed: int,
    chunk: int,
    first_customer: int,
    customers: int,
    markets: tuple[MarketProfile, ...],
    catalogue: Catalogue,
    taxes: TaxTable,
    start: date,
    days: int,
    params: BuyingParams | None = None,
) -> HistoryChunk:
    """Customers ``first_customer`` … ``+customers`` and everything they did in ``days``
    days from ``start``; the end of the history is "now": later steps have not happened."""
    bp = params or BuyingParams()
    rng = np.random.default_rng([seed, chunk])
    n = customers
    shares = np.array([m.share for m in markets])
    market = rng.choice(len(markets), size=n, p=shares / shares.sum())
    destination = np.zeros(n, np.int64)
    for index, profile in enumerate(markets):
        mine = market == index
        w = np.array(profile.destination_weights)
        destination[mine] = rng.choice(
            np.array(profile.destinations), size=int(mine.sum()), p=w / w.sum()
        )
    rate = rng.gamma(bp.r, 1 / bp.alpha, n)
    dropout = rng.beta(bp.a, bp.b, n)
    g = bp.growth
    first_op = days * (-g + np.sqrt(g * g + (2 * g + 1) * rng.random(n)))
    window = days - first_op
    arrivals = np.minimum(rng.poisson(rate * window), MAX_REPEATS)
    lifetime = rng.geometric(np.clip(dropout, 1e-6, 1.0))  # repeats before dropping out
    repeats = np.minimum(arrivals, lifetime)

    owner = np.repeat(np.arange(n), arrivals)
    fraction = rng.random(len(owner))
    order = np.lexsort((fraction, owner))
    owner, fraction = owner[order], fraction[order]
    keep = _group_ranks(owner) < repeats[owner]
    owner, fraction = owner[keep], fraction[keep]
    repeat_op = first_op[owner] + fraction * window[owner]

    order_customer = np.concatenate((np.arange(n), owner))
    operational = np.concatenate((first_op, repeat_op))
    placed = np.empty_like(operational)
    for index, profile in enumerate(markets):
        mine = market[order_customer] == index
        placed[mine] = _warp(operational[mine], seasonality(profile.events, start, days))
    placed = np.minimum(placed, days - 1e-6)
    by_time = np.lexsort((order_customer, placed))
    order_customer, placed = order_customer[by_time], placed[by_time]
    sequence = np.zeros(len(placed), np.int64)
    by_customer = np.lexsort((placed, order_customer))
    sequence[by_customer] = _group_ranks(order_customer[by_customer])
    global_customer = first_customer + order_customer
    number = scramble((global_customer << SEQ_BITS) | sequence, seed)

    first_placed = np.full(n, np.inf)
    np.minimum.at(first_placed, order_customer, placed)
    joined = np.maximum(first_placed - rng.exponential(0.02, n), 0.0)
    name_draws = rng.integers(0, 1 << 30, size=(n, 2))
    marketing = rng.random(n) < 0.45

    result = HistoryChunk(
        first_customer=first_customer,
        market=market,
        destination=destination,
        name_draws=name_draws,
        joined=joined,
        marketing=marketing,
    )
    result.order_customer = order_customer
    result.order_number = number
    result.placed = placed
    _plan_baskets(result, rng, bp, markets, catalogue, taxes, start, n)
    _plan_timeline(result, rng, markets, days)
    _plan_returns(result, rng, markets, days)
    return result


def _plan_baskets(
    c: HistoryChunk,
    rng: np.random.Generator,
    bp: BuyingParams,
    markets: tuple[MarketProfile, ...],
    catalogue: Catalogue,
    taxes: TaxTable,
    start: date,
    n: int,
) -> None:
    orders = len(c.placed)
    order_market = c.market[c.order_customer]
    customer_mean = rng.gamma(bp.spend_q, 1 / bp.spend_gamma, n)  # nu of Gamma-Gamma
    target = rng.gamma(bp.spend_p, 1 / customer_mean[c.order_customer])  # euros
    weights = catalogue.popularity / catalogue.popularity.sum()
    typical = float((catalogue.price_eur * weights).sum())
    items = np.clip(np.rint(target / typical), 1, 6).astype(np.int64)

    line_order = np.repeat(np.arange(orders), items)
    line_variant = np.zeros(len(line_order), np.int64)
    line_market = order_market[line_order]
    for index in range(len(markets)):
        sold = np.flatnonzero(catalogue.prices[index] > 0)
        mine = line_market == index
        p = catalogue.popularity[sold]
        line_variant[mine] = rng.choice(sold, size=int(mine.sum()), p=p / p.sum())
    # the same variant picked twice in a basket is one line of two
    key = line_order * catalogue.prices.shape[1] + line_variant
    unique, quantity = np.unique(key, return_counts=True)
    line_order = unique // catalogue.prices.shape[1]
    line_variant = unique % catalogue.prices.shape[1]
    quantity = quantity + (rng.random(len(unique)) < 0.07)
    line_market = order_market[line_order]

    unit = catalogue.prices[line_market, line_variant]
    gross = unit * quantity
    months = np.array(
        [
            (start + timedelta(days=int(d))).year * 12 + (start + timedelta(days=int(d))).month
            for d in range(int(c.placed.max(initial=0)) + 1)
        ]
    )
    line_month = months[c.placed[line_order].astype(np.int64)] - (
        taxes.start_month.year * 12 + taxes.start_month.month
    )
    line_month = np.clip(line_month, 0, taxes.basis_points.shape[2] - 1)
    rate_bp = taxes.basis_points[
        c.destination[c.order_customer[line_order]], catalogue.tax_class[line_variant], line_month
    ]
    inclusive = np.array([m.prices_include_tax for m in markets])[line_market]
    tax_inclusive = _round_div(gross * rate_bp, 10_000 + rate_bp)
    tax_exclusive = _round_div(gross * rate_bp, 10_000)
    tax = np.where(inclusive, tax_inclusive, tax_exclusive)
    net = np.where(inclusive, gross - tax, gross)
    total = net + tax

    c.line_order, c.line_variant, c.line_quantity = line_order, line_variant, quantity
    c.line_unit, c.line_net, c.line_tax, c.line_total = unit, net, tax, total
    c.line_rate_bp = rate_bp
    c.line_returned = np.zeros(len(line_order), np.bool_)
    c.line_count = np.bincount(line_order, minlength=orders).astype(np.int64)
    c.line_start = np.concatenate(([0], np.cumsum(c.line_count)[:-1])).astype(np.int64)
    c.subtotal = np.bincount(line_order, weights=gross, minlength=orders).astype(np.int64)
    c.tax = np.bincount(line_order, weights=tax, minlength=orders).astype(np.int64)
    line_sum = np.bincount(line_order, weights=total, minlength=orders).astype(np.int64)
    fee = np.array([m.shipping_fee for m in markets])[order_market]
    free_over = np.array([m.free_over for m in markets])[order_market]
    c.shipping = np.where(c.subtotal >= free_over, 0, fee)
    c.total = line_sum + c.shipping
    c.refunded = np.zeros(orders, np.int64)

    method = np.zeros(orders, np.int64)
    for index, profile in enumerate(markets):
        mine = order_market == index
        w = np.array(profile.method_weights)
        picked = rng.choice(len(profile.methods), size=int(mine.sum()), p=w / w.sum())
        if "cod" in profile.methods and profile.cod_max:
            # cash on delivery is refused above the market's limit: those pay by card
            over = c.total[mine] > profile.cod_max
            cod, card = profile.methods.index("cod"), profile.methods.index("card")
            picked = np.where((picked == cod) & over, card, picked)
        method[mine] = picked
    c.method = method


def _plan_timeline(
    c: HistoryChunk, rng: np.random.Generator, markets: tuple[MarketProfile, ...], days: int
) -> None:
    orders = len(c.placed)
    order_market = c.market[c.order_customer]
    widest = max(len(m.methods) for m in markets)
    is_transfer = np.array(
        [
            [k < len(m.methods) and m.methods[k] == "bank_transfer" for k in range(widest)]
            for m in markets
        ]
    )
    paid = c.placed + rng.uniform(0.0005, 0.01, orders)  # cards: captured within minutes
    transfer = is_transfer[order_market, c.method]
    paid[transfer] = c.placed[transfer] + rng.gamma(1.5, 1.0, int(transfer.sum()))
    transfer_days = np.array([m.bank_transfer_days for m in markets])[order_market]
    expired = transfer & (rng.random(orders) < 0.12)
    cancelled = np.where(expired, c.placed + transfer_days, np.nan)
    paid = np.where(expired, np.nan, paid)
    handling = np.array([m.handling_days for m in markets])[order_market]
    shipped = paid + handling + rng.uniform(0.1, 1.0, orders)
    low = np.array([m.transit_days[0] for m in markets])[order_market]
    high = np.array([m.transit_days[1] for m in markets])[order_market]
    # business days in transit, stretched to calendar days by weekends
    delivered = shipped + rng.uniform(low, high + 1) * 7 / 5

    now = float(days)
    paid = np.where(paid <= now, paid, np.nan)
    cancelled = np.where(cancelled <= now, cancelled, np.nan)
    shipped = np.where(shipped <= now, shipped, np.nan)
    delivered = np.where(delivered <= now, delivered, np.nan)
    status = np.full(orders, PENDING)
    status[~np.isnan(paid)] = PAID
    status[~np.isnan(shipped)] = FULFILLED
    status[~np.isnan(delivered)] = DELIVERED
    status[~np.isnan(cancelled)] = CANCELLED
    c.paid, c.shipped, c.delivered, c.cancelled, c.status = (
        paid,
        shipped,
        delivered,
        cancelled,
        status,
    )


def _plan_returns(
    c: HistoryChunk, rng: np.random.Generator, markets: tuple[MarketProfile, ...], days: int
) -> None:
    now = float(days)
    order_market = c.market[c.order_customer]
    return_rate = np.array([m.return_rate for m in markets])[order_market]
    window = np.array([m.return_days for m in markets])[order_market]
    candidates = (c.status == DELIVERED) & (rng.random(len(c.placed)) < return_rate)
    requested = c.delivered + rng.uniform(0.05, 1.0, len(c.placed)) * window
    chosen = np.flatnonzero(candidates & (requested <= now) & (window > 0))
    count = len(chosen)
    requested = requested[chosen]
    decided = requested + rng.uniform(0.2, 2.0, count)
    rejected = rng.random(count) < 0.04
    received = decided + rng.uniform(3.0, 10.0, count)
    refunded = received + rng.uniform(0.5, 3.0, count)
    decided = np.where(decided <= now, decided, np.nan)
    received = np.where(~rejected & (received <= now), received, np.nan)
    refunded = np.where(~np.isnan(received) & (refunded <= now), refunded, np.nan)
    status = np.full(count, R_REQUESTED)
    status[~np.isnan(decided)] = R_APPROVED
    status[~np.isnan(decided) & rejected] = R_REJECTED
    status[~np.isnan(received)] = R_RECEIVED
    status[~np.isnan(refunded)] = R_REFUNDED

    # several-line orders often send back just one line, else everything comes back
    lines = c.line_count[chosen]
    one_line = (lines > 1) & (rng.random(count) < 0.55)
    pick = (rng.random(count) * lines).astype(np.int64)
    returned = np.zeros(len(c.line_order), np.bool_)
    all_lines = np.repeat(c.line_start[chosen[~one_line]], lines[~one_line]) + _group_ranks(
        np.repeat(np.arange(int((~one_line).sum())), lines[~one_line])
    )
    returned[all_lines] = True
    returned[c.line_start[chosen[one_line]] + pick[one_line]] = True
    amount_per_order = np.bincount(
        c.line_order, weights=np.where(returned, c.line_total, 0), minlength=len(c.placed)
    ).astype(np.int64)
    amount = amount_per_order[chosen]

    order_status = c.status.copy()
    order_status[chosen[status == R_REQUESTED]] = RETURN_REQUESTED
    order_status[chosen[status == R_APPROVED]] = RETURN_REQUESTED
    order_status[chosen[status == R_RECEIVED]] = RETURNED
    done = chosen[status == R_REFUNDED]
    order_status[done] = np.where(one_line[status == R_REFUNDED], PARTIALLY_REFUNDED, REFUNDED)
    c.refunded[done] = amount[status == R_REFUNDED]
    c.status = order_status

    c.line_returned = returned
    c.return_order = chosen
    c.return_reason = rng.choice(
        len(RETURN_REASONS), size=count, p=np.array(REASON_WEIGHTS) / sum(REASON_WEIGHTS)
    )
    c.return_status = status
    c.return_requested, c.return_decided = requested, decided
    c.return_received, c.return_refunded = received, refunded
    c.return_amount = amount
