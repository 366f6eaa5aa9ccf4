"""Cart and checkout use cases, ending in :func:`place_order`.

Checkout takes three steps on the cart itself: contact + shipping address, shipping
method, then payment + review (``place_order``). Other apps are reached through their
services: pricing for unit prices, tax for the per-line breakdown, inventory for stock,
shipping for quotes, orders for the order, payments for the money.

Placement is one database transaction (reserve stock, price, tax, create the order and
its ``order.placed`` event) followed by the payment call in a transaction of its own.
The gateway is called after the commit on purpose: a decline must leave the order
pending with its stock reserved (a rollback would lose both), and a slow gateway must not
hold stock rows locked while it thinks. A crash between the two leaves a pending order
whose reservation expires; retrying with the same idempotency key finds the order and
retries the payment under the same payment key, so nothing is charged twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from moneyed import Money

from tradewind.catalog.models import Product, Publication, Variant
from tradewind.checkout.models import MAX_QUANTITY, Cart, CartLine, Step
from tradewind.core.money import quantize
from tradewind.orders.models import Order, OrderLine

if TYPE_CHECKING:
    from tradewind.customers.models import Customer
    from tradewind.markets.models import Market
    from tradewind.payments.services import PaymentResult
    from tradewind.pricing.services import MarketPrice
    from tradewind.shipping.services import ShippingOption
    from tradewind.tax.engine import TaxQuote

__all__ = [
    "CartNotFound",
    "CartTotals",
    "LineTotals",
    "PlacedOrder",
    "add_line",
    "create_cart",
    "get_cart",
    "merge_carts",
    "place_order",
    "price_cart",
    "remove_line",
    "set_contact_and_address",
    "set_line_quantity",
    "set_shipping_method",
    "shipping_options",
]

# Stock stays held this long while a card payment (or its 3-D Secure step) is in flight.
PAYMENT_HOLD = timedelta(minutes=30)
# Methods paid long after the order (a transfer, cash at the door) hold stock until the
# payment expires or the order is cancelled, which release it.
UNTIMED_METHODS = frozenset({"bank_transfer", "cod"})
# An accepted shipping quote is trusted at placement for this long.
QUOTE_LIFETIME = timedelta(hours=1)
HUNDRED = Decimal(100)
ZERO = Decimal(0)
MAX_KEY_LENGTH = 200
PAYMENT_KEY_PREFIX = "checkout:"


class CartNotFound(LookupError):
    """No cart has this token (never existed, expired and swept, or mistyped)."""


@dataclass(frozen=True)
class LineTotals:
    variant_id: int
    sku: str
    name: str
    options: dict[str, str]
    quantity: int
    unit_price: Money  # as shown: with tax in inclusive markets, without in exclusive ones
    subtotal: Money  # unit price x quantity
    total: Money  # what the shopper pays for the line at checkout
    net: Money
    tax_rate: Decimal
    tax: Money
    duty: Money
    regime: str
    tax_rule_ref: str
    hs_code: str


@dataclass(frozen=True)
class CartTotals:
    currency: str
    prices_include_tax: bool
    lines: tuple[LineTotals, ...]
    subtotal: Money
    shipping: Money | None  # None until a shipping method is chosen
    tax: Money | None  # collected at checkout (included in the prices where they include tax)
    duty: Money | None  # collected at checkout (DDP)
    due_on_delivery: Money | None  # tax and duty the carrier collects (DAP)
    total: Money
    weight_grams: int
    unavailable: tuple[str, ...] = ()  # SKUs in the cart no longer sold here, left out above

    @property
    def taxed(self) -> bool:
        """Tax is known once the shipping address is: until then it is an estimate of zero."""
        return self.tax is not None


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    payment: PaymentResult | None
    created: bool  # False when an earlier request with the same key or cart placed it


@dataclass(frozen=True)
class _Origin:
    warehouse_id: int
    country: str
    handling_days: int


# --- the cart -----------------------------------------------------------------------------


def create_cart(market: Market, language: str, customer: Customer | None = None) -> Cart:
    if language not in market.all_languages:
        choices = ", ".join(market.all_languages)
        raise ValidationError(
            {"language": f"{market.name} is sold in {choices}, not '{language}'."}
        )
    return Cart.objects.create(
        market=market, language=language, customer=customer, currency=market.currency
    )


def _placed_order_id() -> Subquery:
    return Subquery(Order.objects.filter(checkout_token=OuterRef("token")).values("id")[:1])


def get_cart(token: str, *, for_update: bool = False) -> Cart:
    """The cart with ``token`` and its market; ``placed_order_id`` tells whether it was ordered."""
    carts = Cart.objects.select_related("market").annotate(placed_order_id=_placed_order_id())
    if for_update:
        carts = carts.select_for_update(of=("self",))
    cart = carts.filter(token=token, expires_at__gt=timezone.now()).first()
    if cart is None:
        raise CartNotFound("No cart with this token; it may have expired.")
    return cart


def _check_open(cart: Cart) -> None:
    if (
        getattr(cart, "placed_order_id", None)
        or Order.objects.filter(checkout_token=cart.token).exists()
    ):
        raise ValidationError(
            {"cart": "This cart has already been ordered; start a new cart to buy more."}
        )


def _checked_quantity(quantity: Any) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise ValidationError({"quantity": "Give the quantity as a whole number."})
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError({"quantity": f"The quantity must be between 1 and {MAX_QUANTITY}."})
    return quantity


def _sellable_variant(cart: Cart, sku: str) -> Variant:
    variant = (
        Variant.objects.select_related("product")
        .filter(
            sku=sku,
            product__status=Product.Status.ACTIVE,
            product__publications__market_id=cart.market_id,
        )
        .first()
    )
    if variant is None:
        raise ValidationError({"sku": f"'{sku}' is not for sale in {cart.market.name}."})
    return variant


def _touch(cart: Cart) -> None:
    """Lines changed: the shipping quote (weight, subtotal, origin) no longer holds."""
    cart.step = Step.ADDRESS if cart.shipping_address else Step.CART
    cart.shipping_method_id = None
    cart.shipping_quoted_at = None
    cart.save(update_fields=["step", "shipping_method_id", "shipping_quoted_at", "updated_at"])


def add_line(cart: Cart, sku: str, quantity: int = 1) -> CartLine:
    """Put ``quantity`` more of ``sku`` in the cart (added to what is already there)."""
    quantity = _checked_quantity(quantity)
    with transaction.atomic():
        _check_open(cart)
        variant = _sellable_variant(cart, sku)
        line, created = CartLine.objects.select_for_update().get_or_create(
            cart=cart, variant=variant, defaults={"quantity": quantity}
        )
        if not created:
            if line.quantity + quantity > MAX_QUANTITY:
                raise ValidationError(
                    {
                        "quantity": f"At most {MAX_QUANTITY} of one item per order; "
                        f"the cart already has {line.quantity}."
                    }
                )
            line.quantity += quantity
            line.save(update_fields=["quantity"])
        _touch(cart)
    return line


def set_line_quantity(cart: Cart, sku: str, quantity: int) -> CartLine:
    quantity = _checked_quantity(quantity)
    with transaction.atomic():
        _check_open(cart)
        line = _existing_line(cart, sku)
        line.quantity = quantity
        line.save(update_fields=["quantity"])
        _touch(cart)
    return line


def remove_line(cart: Cart, sku: str) -> None:
    with transaction.atomic():
        _check_open(cart)
        _existing_line(cart, sku).delete()
        _touch(cart)


def _existing_line(cart: Cart, sku: str) -> CartLine:
    line = cart.lines.select_for_update().filter(variant__sku=sku).first()
    if line is None:
        raise ValidationError({"sku": f"'{sku}' is not in the cart."})
    return line


def merge_carts(guest: Cart, customer_cart: Cart) -> Cart:
    """At sign-in: the guest's lines join the customer's cart and the guest cart goes.

    Quantities of the same item are added, then capped at the units the market can still
    sell (and the per-item maximum); an item no longer in stock is dropped.
    """
    from tradewind.inventory import services as inventory

    if guest.pk == customer_cart.pk:
        return customer_cart
    if guest.market_id != customer_cart.market_id:
        raise ValidationError({"cart": "Carts from different markets cannot be merged."})
    with transaction.atomic():
        _check_open(customer_cart)
        mine = {line.variant_id: line for line in customer_cart.lines.select_for_update()}
        theirs = list(guest.lines.all())
        wanted = {
            line.variant_id: line.quantity
            + (mine[line.variant_id].quantity if line.variant_id in mine else 0)
            for line in theirs
        }
        free = inventory.available(wanted, customer_cart.market)
        for variant_id, quantity in wanted.items():
            capped = min(quantity, MAX_QUANTITY, max(free.get(variant_id, 0), 0))
            line = mine.get(variant_id)
            if line is None and capped:
                CartLine.objects.create(cart=customer_cart, variant_id=variant_id, quantity=capped)
            elif line is not None and capped:
                line.quantity = capped
                line.save(update_fields=["quantity"])
            elif line is not None:
                line.delete()
        guest.delete()
        _touch(customer_cart)
    return customer_cart


def _cart_lines(cart: Cart) -> list[CartLine]:
    """The cart's lines with variant and product, each marked whether it can still be sold."""
    published = Publication.objects.filter(
        product_id=OuterRef("variant__product_id"), market_id=cart.market_id
    )
    return list(
        cart.lines.select_related("variant__product").annotate(
            sellable=Exists(published) & Q(variant__product__status=Product.Status.ACTIVE)
        )
    )


# --- prices, tax and totals ---------------------------------------------------------------


def _weight(lines: Sequence[CartLine]) -> int:
    return sum(
        (line.variant.weight_grams or line.variant.product.weight_grams or 0) * line.quantity
        for line in lines
    )


def _prices(cart: Cart, lines: Sequence[CartLine], at: datetime) -> dict[int, MarketPrice]:
    from tradewind.markets.services import MissingFxRate
    from tradewind.pricing.services import prices_in_market

    try:
        return prices_in_market([line.variant for line in lines], cart.market, at)
    except MissingFxRate as exc:
        raise ValidationError(
            {"lines": f"Prices in {cart.market.currency} are unavailable right now ({exc})."}
        ) from None


def _rule_ref(lt: Any) -> str:
    refs = [*lt.tax_rules, *([lt.duty_rule] if lt.duty_rule else [])]
    return "; ".join(f"{r.table}#{r.id} {r.source}" for r in refs)[:300]


def _quote(
    cart: Cart,
    lines: Sequence[CartLine],
    unit_prices: Sequence[Money],
    shipping: Money | None,
    origin_country: str,
    at: datetime,
    fx_per_eur: Mapping[str, Decimal],
) -> TaxQuote:
    from tradewind.tax import services as tax
    from tradewind.tax.engine import Consignment, DutiesMode, Line
    from tradewind.tax.errors import TaxInputError

    address = cart.shipping_address
    consignment = Consignment(
        origin_country=origin_country,
        destination_country=address["country"],
        destination_region=address.get("country_area", ""),
        destination_postal_code=address.get("postal_code", ""),
        lines=[
            Line(
                hs_code=line.variant.product.hs_code,
                tax_class=line.variant.product.tax_class,
                quantity=line.quantity,
                unit_price=price,
                origin_country=line.variant.product.origin_country,
                sku=line.variant.sku,
            )
            for line, price in zip(lines, unit_prices, strict=True)
        ],
        at=at,
        currency=cart.currency,
        shipping=shipping,
        duties_mode=DutiesMode(cart.market.duties_mode),
        fx_per_eur=fx_per_eur,
    )
    try:
        return tax.quote(consignment)
    except TaxInputError as exc:
        field = exc.field
        if field.startswith("lines[") and "]" in field:
            index = int(field[6 : field.index("]")])
            raise ValidationError(
                {"lines": f"{lines[index].variant.sku} cannot be taxed: {exc.message}."}
            ) from None
        raise ValidationError({"shipping_address": f"Tax cannot be worked out: {exc}."}) from None


def _net_of(amount: Money, rate: Decimal) -> Money:
    return Money(amount.amount * HUNDRED / (HUNDRED + rate), amount.currency)


def _totals(
    cart: Cart,
    lines: Sequence[CartLine],
    prices: Mapping[int, MarketPrice],
    shipping: Money | None,
    origin_country: str | None,
    at: datetime,
) -> CartTotals:
    currency = cart.currency
    inclusive = cart.market.tax_display == "inclusive"
    shown = [prices[line.variant_id].price for line in lines]
    zero = Money(0, currency)
    subtotal = sum((p * line.quantity for p, line in zip(shown, lines, strict=True)), zero)
    quote = None
    if cart.shipping_address and origin_country and lines:
        from tradewind.markets.services import fx_table

        # Read once for both quotes below (the tax service would read them per quote); the
        # euro itself is named so that a store without any rate yet does not read again.
        fx_per_eur = {"EUR": Decimal(1), **fx_table(at).per_euro}
        quote = _quote(cart, lines, shown, shipping, origin_country, at, fx_per_eur)
        if inclusive:
            # Shown prices include the destination's tax: quote again on the prices net of
            # the rates the first quote found. Shipping follows the goods' main rate.
            rates = [lt.tax_rate if lt.tax_at_checkout else ZERO for lt in quote.lines]
            nets = [_net_of(p, r) for p, r in zip(shown, rates, strict=True)]
            net_shipping = _net_of(shipping, max(rates)) if shipping is not None else None
            quote = _quote(cart, lines, nets, net_shipping, origin_country, at, fx_per_eur)
    line_totals = []
    for index, (line, price) in enumerate(zip(lines, shown, strict=True)):
        variant = line.variant
        line_subtotal = price * line.quantity
        lt = quote.lines[index] if quote else None
        tax = lt.tax if lt and lt.tax_at_checkout else zero
        duty = lt.duty if lt and lt.duty_at_checkout else zero
        line_total = line_subtotal + duty + (zero if inclusive else tax)
        line_totals.append(
            LineTotals(
                variant_id=variant.pk,
                sku=variant.sku,
                name=variant.product.name,
                options={str(k): str(v) for k, v in variant.options.items()},
                quantity=line.quantity,
                unit_price=price,
                subtotal=_q(line_subtotal),
                total=_q(line_total),
                net=_q(lt.net if lt else line_subtotal),
                tax_rate=lt.tax_rate if lt else ZERO,
                tax=_q(tax),
                duty=_q(duty),
                regime=lt.regime if lt else "",
                tax_rule_ref=_rule_ref(lt) if lt else "",
                hs_code=variant.product.hs_code,
            )
        )
    tax_total = _q(sum((lt.tax for lt in line_totals), zero)) if quote else None
    duty_total = _q(sum((lt.duty for lt in line_totals), zero)) if quote else None
    total = subtotal + (shipping or zero) + (duty_total or zero)
    if not inclusive:
        total += tax_total or zero
    return CartTotals(
        currency=currency,
        prices_include_tax=inclusive,
        lines=tuple(line_totals),
        subtotal=_q(subtotal),
        shipping=_q(shipping) if shipping is not None else None,
        tax=tax_total,
        duty=duty_total,
        due_on_delivery=_q(quote.due_on_delivery) if quote else None,
        total=_q(total),
        weight_grams=_weight(lines),
    )


def _q(value: Money) -> Money:
    return Money(quantize(value.amount, value.currency.code), value.currency.code)


def _check_sellable(lines: Sequence[CartLine]) -> None:
    gone = [line.variant.sku for line in lines if not line.sellable]  # type: ignore[attr-defined]
    if gone:
        raise ValidationError(
            {"lines": f"No longer for sale here: {', '.join(gone)}. Remove them to continue."}
        )


def price_cart(cart: Cart) -> CartTotals:
    """What the cart costs now: per line, shipping once chosen, tax once the address is known."""
    every = _cart_lines(cart)
    lines = [line for line in every if line.sellable]  # type: ignore[attr-defined]
    unavailable = tuple(line.variant.sku for line in every if line not in lines)
    at = timezone.now()
    prices = _prices(cart, lines, at)
    shipping = _accepted_shipping(cart)
    origin = cart.origin_country if shipping is not None else None
    if origin is None and cart.shipping_address and lines:
        planned = _plan_origin(cart, lines)
        origin = planned.country if planned else None
    totals = _totals(cart, lines, prices, shipping, origin, at)
    return replace(totals, unavailable=unavailable)


def _accepted_shipping(cart: Cart) -> Money | None:
    if cart.shipping_method_id is None or cart.shipping_amount is None:
        return None
    return Money(cart.shipping_amount, cart.currency)


# --- checkout steps -----------------------------------------------------------------------


def set_contact_and_address(
    cart: Cart,
    email: str,
    address: Mapping[str, Any],
    billing_address: Mapping[str, Any] | None = None,
) -> Cart:
    """Step one: who to tell and where to ship. Errors are keyed ``email``,
    ``shipping_address.<field>`` and ``billing_address.<field>``; nothing is saved then."""
    from django.core.validators import validate_email

    errors: dict[str, list[str]] = {}
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Enter a valid email address, e.g. name@example.com."]
    shipping = _validated(address, "shipping_address", errors, phone_required=True)
    billing = _validated(billing_address, "billing_address", errors) if billing_address else None
    if (
        shipping is not None
        and not cart.market.countries.filter(country=shipping["country"]).exists()
    ):
        errors["shipping_address.country"] = [
            f"{cart.market.name} does not ship to {shipping['country']}."
        ]
    if errors:
        raise ValidationError(errors)
    assert shipping is not None
    _check_open(cart)
    cart.email = email
    cart.shipping_address = shipping
    cart.billing_address = billing or shipping
    cart.step = Step.ADDRESS
    cart.shipping_method_id = None
    cart.shipping_quoted_at = None
    cart.save()
    return cart


def _validated(
    data: Mapping[str, Any] | None,
    prefix: str,
    errors: dict[str, list[str]],
    *,
    phone_required: bool = False,
) -> dict[str, str] | None:
    from tradewind.customers.services import validate_address

    try:
        return validate_address(data or {}, phone_required=phone_required).as_dict()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors[f"{prefix}.{field}"] = messages
    return None


def _plan_origin(cart: Cart, lines: Sequence[CartLine]) -> _Origin | None:
    """The warehouse the stock would come from now (the one shipping most units), read only.

    Mirrors inventory's reservation planning (same pure planner, same warehouse order) so
    the promised delivery window is counted from where the parcel will really leave.
    """
    from tradewind.inventory.allocation import OutOfStock, Strategy, WarehouseStock, allocate
    from tradewind.inventory.models import MarketAllocationPolicy, Stock

    wanted = [(line.variant_id, line.quantity) for line in lines]
    policy = MarketAllocationPolicy.objects.filter(market_id=cart.market_id).values("strategy")[:1]
    rows = (
        Stock.objects.filter(
            variant_id__in=[v for v, _ in wanted],
            warehouse__is_active=True,
            warehouse__market_links__market_id=cart.market_id,
        )
        .annotate(priority=F("warehouse__market_links__priority"), strategy=Subquery(policy))
        .order_by("priority", "warehouse_id")
        .values_list(
            "warehouse_id",
            "variant_id",
            "on_hand",
            "allocated",
            "warehouse__country",
            "warehouse__handling_days",
            "strategy",
        )
    )
    stock: dict[int, dict[int, int]] = {}
    about: dict[int, tuple[str, int]] = {}
    strategy = Strategy.PRIORITY
    for warehouse_id, variant_id, on_hand, allocated, country, handling, chosen in rows:
        stock.setdefault(warehouse_id, {})[variant_id] = on_hand - allocated
        about[warehouse_id] = (country, handling)
        strategy = Strategy(chosen) if chosen else strategy
    try:
        plan = allocate(wanted, [WarehouseStock(w, s) for w, s in stock.items()], strategy)
    except OutOfStock as exc:
        raise ValidationError({"lines": _out_of_stock_message(lines, exc)}) from None
    return _origin_of(plan, about)


def _origin_of(plan: Sequence[Any], about: Mapping[int, tuple[str, int]]) -> _Origin | None:
    units: dict[int, int] = {}
    for allocation in plan:
        units[allocation.warehouse_id] = units.get(allocation.warehouse_id, 0) + allocation.quantity
    if not units:
        return None
    main = max(units, key=lambda w: units[w])
    # A split order is complete when its slowest warehouse has dispatched.
    handling = max(about[w][1] for w in units)
    return _Origin(main, about[main][0], handling)


def _out_of_stock_message(lines: Sequence[CartLine], exc: Any) -> str:
    sku = next((line.variant.sku for line in lines if line.variant_id == exc.variant_id), "")
    if exc.available <= 0:
        return f"{sku} is sold out."
    return f"Only {exc.available} of {sku} left; lower the quantity to continue."


def _shipping_args(
    cart: Cart, totals_subtotal: Money, weight: int, origin: _Origin
) -> dict[str, Any]:
    return {
        "market": cart.market,
        "country": cart.shipping_address["country"],
        "weight_grams": weight,
        "subtotal": totals_subtotal,
        "origin_country": origin.country,
        "ready_at": timezone.now(),
        "handling_days": origin.handling_days,
    }


def _require_address(cart: Cart) -> None:
    if not cart.shipping_address:
        raise ValidationError({"shipping_address": "Give the shipping address first."})


def _lines_for_shipping(cart: Cart) -> tuple[list[CartLine], Money, _Origin]:
    _require_address(cart)
    lines = _cart_lines(cart)
    if not lines:
        raise ValidationError({"lines": "The cart is empty."})
    _check_sellable(lines)
    prices = _prices(cart, lines, timezone.now())
    subtotal = sum(
        (prices[line.variant_id].price * line.quantity for line in lines), Money(0, cart.currency)
    )
    origin = _plan_origin(cart, lines)
    if origin is None:
        raise ValidationError({"lines": "None of these items is in stock for this market."})
    return lines, subtotal, origin


def shipping_options(cart: Cart) -> list[ShippingOption]:
    """Step two's choices, cheapest first, with arrival windows from the allocating warehouse."""
    from tradewind.shipping import services as shipping

    lines, subtotal, origin = _lines_for_shipping(cart)
    return shipping.shipping_options(**_shipping_args(cart, subtotal, _weight(lines), origin))


def set_shipping_method(cart: Cart, method_id: int) -> ShippingOption:
    """Step two: accept a method's quote; it is kept on the cart for placement."""
    from tradewind.shipping import services as shipping

    _check_open(cart)
    lines, subtotal, origin = _lines_for_shipping(cart)
    option = shipping.get_option(
        method_id, **_shipping_args(cart, subtotal, _weight(lines), origin)
    )
    _accept_quote(cart, option, origin)
    cart.save()
    return option


def _accept_quote(cart: Cart, option: ShippingOption, origin: _Origin) -> None:
    cart.shipping_method_id = option.method_id
    cart.shipping_method_name = option.name
    cart.shipping_carrier = option.carrier
    cart.shipping_amount = option.price.amount
    cart.arrives_from = option.arrives_from
    cart.arrives_to = option.arrives_to
    cart.origin_warehouse_id = origin.warehouse_id
    cart.origin_country = origin.country
    cart.shipping_quoted_at = timezone.now()
    cart.step = Step.SHIPPING


# --- placing the order --------------------------------------------------------------------


def place_order(
    cart: Cart,
    *,
    payment_method: str,
    payment_details: Mapping[str, str],
    idempotency_key: str,
) -> PlacedOrder:
    """Step three: reserve, price, tax, create the order, then start the payment.

    The same ``idempotency_key`` (the API's header; storefront pages pass the cart token)
    returns the same order, and a cart is ordered at most once: a new key for an ordered
    cart whose payment failed starts a new payment attempt for that same order.
    Raises ValidationError keyed by the field at fault; nothing is stored then, except
    when the payment itself is refused: the order stays pending with its stock held.
    """
    key = (idempotency_key or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationError(
            {"idempotency_key": f"Give an idempotency key of 1 to {MAX_KEY_LENGTH} characters."}
        )
    try:
        order, created = _place(cart.token, key, payment_method)
    except IntegrityError:
        # A concurrent request for the same key or cart won the race: answer with its order.
        winner = _existing_order(cart, key)
        if winner is None:
            raise
        order, created = winner, False
    if not created and order.checkout_token != cart.token:
        raise ValidationError(
            {"idempotency_key": "This idempotency key was already used for another cart."}
        )
    payment = _pay(order, payment_method, payment_details, key)
    return PlacedOrder(order, payment, created)


def _existing_order(cart: Cart, key: str) -> Order | None:
    return (
        Order.objects.select_related("market")
        .filter(Q(idempotency_key=key) | Q(checkout_token=cart.token))
        .order_by(F("idempotency_key").asc(nulls_last=True))
        .first()
    )


def _place(token: str, key: str, payment_method: str) -> tuple[Order, bool]:
    from tradewind.inventory import services as inventory
    from tradewind.orders import services as orders

    with transaction.atomic():
        cart = get_cart(token, for_update=True)
        if cart.placed_order_id:  # type: ignore[attr-defined]
            existing = _existing_order(cart, key)
            assert existing is not None
            return existing, False
        _check_ready(cart)
        lines = _cart_lines(cart)
        if not lines:
            raise ValidationError({"lines": "The cart is empty."})
        _check_sellable(lines)
        at = timezone.now()
        prices = _prices(cart, lines, at)
        order = Order(
            market=cart.market,
            customer_id=cart.customer_id,
            email=cart.email,
            language=cart.language,
            currency=cart.currency,
            shipping_address=cart.shipping_address,
            billing_address=cart.billing_address or cart.shipping_address,
            idempotency_key=key,
            checkout_token=cart.token,
            placed_at=at,
        )
        order.reservation_reference = order.number
        try:
            allocations = inventory.reserve(
                [(line.variant_id, line.quantity) for line in lines],
                cart.market,
                reference=order.number,
                ttl=None if payment_method in UNTIMED_METHODS else PAYMENT_HOLD,
            )
        except inventory.OutOfStock as exc:
            raise ValidationError({"lines": _out_of_stock_message(lines, exc)}) from None
        _requote_if_moved(cart, lines, prices, allocations)
        totals = _totals(cart, lines, prices, _accepted_shipping(cart), cart.origin_country, at)
        _check_method(cart.market, payment_method, totals.total)
        _fill(order, cart, totals)
        orders.create_order(order, [_order_line(lt, cart.currency) for lt in totals.lines])
    return order, True


def _check_ready(cart: Cart) -> None:
    errors = {}
    if not cart.email:
        errors["email"] = "Give the contact email first."
    if not cart.shipping_address:
        errors["shipping_address"] = "Give the shipping address first."
    if cart.shipping_method_id is None:
        errors["shipping_method"] = "Choose a shipping method first."
    if errors:
        raise ValidationError(errors)


def _requote_if_moved(
    cart: Cart,
    lines: Sequence[CartLine],
    prices: Mapping[int, MarketPrice],
    allocations: Sequence[Any],
) -> None:
    """Re-quote shipping when the stock reserved leaves from another warehouse than the
    one quoted (someone bought the last units there), or the quote is old."""
    from tradewind.inventory.models import Warehouse
    from tradewind.shipping import services as shipping

    units: dict[int, int] = {}
    for allocation in allocations:
        units[allocation.warehouse_id] = units.get(allocation.warehouse_id, 0) + allocation.quantity
    main = max(units, key=lambda w: units[w])
    fresh = cart.shipping_quoted_at is not None and (
        timezone.now() - cart.shipping_quoted_at < QUOTE_LIFETIME
    )
    if fresh and main == cart.origin_warehouse_id and len(units) == 1:
        return
    about = {
        w.pk: (w.country, w.handling_days)
        for w in Warehouse.objects.filter(pk__in=units).only("country", "handling_days")
    }
    origin = _origin_of(allocations, about)
    assert origin is not None and cart.shipping_method_id is not None
    subtotal = sum(
        (prices[line.variant_id].price * line.quantity for line in lines), Money(0, cart.currency)
    )
    option = shipping.get_option(
        cart.shipping_method_id, **_shipping_args(cart, subtotal, _weight(lines), origin)
    )
    _accept_quote(cart, option, origin)
    cart.save()


def _check_method(market: Market, method: str, total: Money) -> None:
    from tradewind.payments.services import available_methods

    offered = {option.method: option for option in available_methods(market, total)}
    option = offered.get(method)
    if option is None:
        choices = ", ".join(offered) or "none"
        raise ValidationError(
            {"payment_method": f"{market.name} does not offer '{method}' (choose from {choices})."}
        )
    if not option.available:
        raise ValidationError({"payment_method": option.reason})


def _fill(order: Order, cart: Cart, totals: CartTotals) -> None:
    zero = Decimal(0)
    order.shipping_method_name = cart.shipping_method_name
    order.shipping_carrier = cart.shipping_carrier
    order.delivery_promise_from = cart.arrives_from
    order.delivery_promise_to = cart.arrives_to
    order.prices_include_tax = totals.prices_include_tax
    order.subtotal_amount = totals.subtotal.amount
    order.shipping_amount = totals.shipping.amount if totals.shipping else zero
    order.tax_amount = totals.tax.amount if totals.tax else zero
    order.duty_amount = totals.duty.amount if totals.duty else zero
    order.total_amount = totals.total.amount


def _order_line(lt: LineTotals, currency: str) -> OrderLine:
    return OrderLine(
        variant_id=lt.variant_id,
        product_name=lt.name,
        sku=lt.sku,
        options=lt.options,
        quantity=lt.quantity,
        currency=currency,
        unit_price=lt.unit_price.amount,
        net_amount=lt.net.amount,
        tax_rate=lt.tax_rate,
        tax_amount=lt.tax.amount,
        duty_amount=lt.duty.amount,
        total_amount=lt.total.amount,
        regime=lt.regime,
        tax_rule_ref=lt.tax_rule_ref,
        hs_code=lt.hs_code,
    )


def _pay(order: Order, method: str, details: Mapping[str, str], key: str) -> PaymentResult | None:
    """Start (or replay) the payment; an order no longer awaiting payment gets none."""
    from tradewind.orders.models import OrderStatus
    from tradewind.payments import services as payments

    if order.status != OrderStatus.PENDING_PAYMENT:
        return None
    try:
        return payments.start_payment(
            order_id=order.pk,
            reference=order.number,
            amount=order.total,
            market=order.market,
            method=method,
            details=details,
            idempotency_key=PAYMENT_KEY_PREFIX + key,
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise ValidationError({"payment": exc.messages}) from None
        raise ValidationError(
            {_payment_field(field): messages for field, messages in exc.message_dict.items()}
        ) from None


def _payment_field(field: str) -> str:
    if field == "method":
        return "payment_method"
    if field in ("order", "idempotency_key", "amount"):
        return field
    return f"payment_details.{field}"
