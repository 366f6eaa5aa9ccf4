"""The checkout API: carts, the three checkout steps and placing the order.

A cart is addressed by its token, returned when it is created: whoever holds the token
holds the cart, so keep it as a shopper would keep a cookie. Placing the order needs an
``Idempotency-Key`` header: a retried request with the same key returns the same order.
Errors use the store's 422 shape, ``loc`` naming the field (``["body", "shipping_address",
"postal_code"]``); an unknown or expired cart token answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Header, Path, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field, StringConstraints

from tradewind.api.errors import Message, NotFound, ValidationErrors
from tradewind.checkout import services
from tradewind.checkout.models import MAX_QUANTITY, Cart
from tradewind.markets.services import market_by_code

router = Router(tags=["checkout"])

T = TypeVar("T")
# Free text may hold anything a shopper types, except NUL which no database stores.
TEXT = r"^[^\x00]*$"
SLUG = r"^[-a-zA-Z0-9_]+$"
# 400: a body that is not JSON at all.
ERRORS = {400: Message, 404: Message, 422: ValidationErrors}

Token = Annotated[str, Path(pattern=r"^[-_A-Za-z0-9]+$", max_length=64)]
Sku = Annotated[str, Path(pattern=TEXT, max_length=64)]
Text = Annotated[str, StringConstraints(max_length=255, pattern=TEXT)]


class Amount(Schema):
    amount: str
    currency: str


class NewCart(Schema):
    market: str = Field(pattern=SLUG, max_length=32, examples=["eu"])
    language: str | None = Field(None, pattern=SLUG, max_length=10, examples=["en"])


class LineIn(Schema):
    sku: str = Field(pattern=TEXT, max_length=64, examples=["TEE-M"])
    quantity: int = Field(1, ge=1, le=MAX_QUANTITY)


class QuantityIn(Schema):
    quantity: int = Field(ge=1, le=MAX_QUANTITY)


class AddressIn(Schema):
    name: Text = ""
    company: Text = ""
    street_address_1: Text = ""
    street_address_2: Text = ""
    city: Text = ""
    city_area: Text = ""
    postal_code: Text = ""
    country_area: Text = ""
    sorting_code: Text = ""
    country: Text = Field("", examples=["DE"])
    phone: Text = Field("", examples=["+49 30 1234567"])


class AddressStep(Schema):
    email: Text = Field(examples=["anna@example.com"])
    shipping_address: AddressIn
    billing_address: AddressIn | None = None


class MethodIn(Schema):
    method_id: int = Field(ge=1, le=2**31 - 1)


class PaymentIn(Schema):
    payment_method: str = Field(pattern=SLUG, max_length=32, examples=["card"])
    payment_details: dict[
        Annotated[str, StringConstraints(max_length=40, pattern=TEXT)],
        Annotated[str, StringConstraints(max_length=200, pattern=TEXT)],
    ] = Field(
        default_factory=dict,
        examples=[{"card_number": "4242424242424242", "card_expiry": "12/30", "card_cvc": "123"}],
    )


class LineOut(Schema):
    sku: str
    name: str
    options: dict[str, str]
    quantity: int
    unit_price: Amount
    total: Amount
    tax: Amount
    duty: Amount


class ShippingOut(Schema):
    method_id: int
    name: str
    carrier: str
    price: Amount
    arrives_from: date
    arrives_to: date


class TotalsOut(Schema):
    prices_include_tax: bool
    subtotal: Amount
    shipping: Amount | None
    tax: Amount | None
    duty: Amount | None
    due_on_delivery: Amount | None
    total: Amount


class CartOut(Schema):
    token: str
    market: str
    currency: str
    language: str
    step: str
    email: str
    shipping_address: dict[str, str]
    lines: list[LineOut]
    unavailable: list[str]
    shipping_method: ShippingOut | None
    totals: TotalsOut
    order_number: str | None


class PaymentOut(Schema):
    status: str
    method: str
    amount: Amount
    message: str
    code: str
    action: dict[str, Any] | None
    instructions: dict[str, Any] | None


class OrderOut(Schema):
    number: str
    status: str
    created: bool
    subtotal: Amount
    shipping: Amount
    tax: Amount
    duty: Amount
    total: Amount
    payment: PaymentOut | None


def amount_out(value: Any) -> Amount:
    return Amount(amount=format(value.amount, "f"), currency=value.currency.code)


def _maybe(value: Any) -> Amount | None:
    return None if value is None else amount_out(value)


def _invalid(exc: ValidationError, source: str = "body") -> NinjaValidationError:
    if hasattr(exc, "error_dict"):
        pairs = [(f, m) for f, messages in exc.message_dict.items() for m in messages]
    else:
        pairs = [("cart", m) for m in exc.messages]
    return NinjaValidationError(
        [{"loc": [source, *f.split(".")], "msg": m, "type": "value_error"} for f, m in pairs]
    )


def _run(action: Callable[[], T]) -> T:
    """Run a checkout use case, answering bad input as 422 naming the field."""
    try:
        return action()
    except ValidationError as exc:
        raise _invalid(exc) from None
    except services.CartNotFound as exc:
        raise NotFound(str(exc)) from None


def _cart(token: str) -> Cart:
    return _run(lambda: services.get_cart(token))


def _cart_out(cart: Cart) -> CartOut:
    totals = _run(lambda: services.price_cart(cart))
    shipping = None
    if cart.shipping_method_id is not None and totals.shipping is not None:
        assert cart.arrives_from is not None and cart.arrives_to is not None
        shipping = ShippingOut(
            method_id=cart.shipping_method_id,
            name=cart.shipping_method_name,
            carrier=cart.shipping_carrier,
            price=amount_out(totals.shipping),
            arrives_from=cart.arrives_from,
            arrives_to=cart.arrives_to,
        )
    placed = getattr(cart, "placed_order_id", None)
    return CartOut(
        token=cart.token,
        market=cart.market.code,
        currency=cart.currency,
        language=cart.language,
        step="ordered" if placed else cart.step,
        email=cart.email,
        shipping_address=cart.shipping_address,
        lines=[
            LineOut(
                sku=line.sku,
                name=line.name,
                options=line.options,
                quantity=line.quantity,
                unit_price=amount_out(line.unit_price),
                total=amount_out(line.total),
                tax=amount_out(line.tax),
                duty=amount_out(line.duty),
            )
            for line in totals.lines
        ],
        unavailable=list(totals.unavailable),
        shipping_method=shipping,
        totals=TotalsOut(
            prices_include_tax=totals.prices_include_tax,
            subtotal=amount_out(totals.subtotal),
            shipping=_maybe(totals.shipping),
            tax=_maybe(totals.tax),
            duty=_maybe(totals.duty),
            due_on_delivery=_maybe(totals.due_on_delivery),
            total=amount_out(totals.total),
        ),
        order_number=_order_number(placed),
    )


def _order_number(order_id: int | None) -> str | None:
    if order_id is None:
        return None
    from tradewind.orders.models import Order

    return Order.objects.filter(pk=order_id).values_list("number", flat=True).first()


def _fresh(cart: Cart) -> CartOut:
    return _cart_out(_cart(cart.token))


@router.post(
    "/carts",
    response={201: CartOut, 400: Message, 422: ValidationErrors},
    operation_id="createCart",
)
def create_cart(request: HttpRequest, body: NewCart) -> Status:
    """Start a cart in a market; keep the returned token to use it."""
    market = market_by_code(body.market)
    if market is None:
        raise _invalid(ValidationError({"market": f"Unknown market '{body.market}'."}))
    language = body.language or market.default_language
    cart = _run(lambda: services.create_cart(market, language))
    return Status(201, _fresh(cart))


@router.get("/carts/{token}", response={200: CartOut, **ERRORS}, operation_id="getCart")
def get_cart(request: HttpRequest, token: Token) -> CartOut:
    """The cart priced now: tax once the address is known, shipping once chosen."""
    return _cart_out(_cart(token))


@router.post("/carts/{token}/lines", response={200: CartOut, **ERRORS}, operation_id="addCartLine")
def add_line(request: HttpRequest, token: Token, body: LineIn) -> CartOut:
    """Add units of a SKU (to any already in the cart)."""
    cart = _cart(token)
    _run(lambda: services.add_line(cart, body.sku, body.quantity))
    return _fresh(cart)


@router.patch(
    "/carts/{token}/lines/{sku}", response={200: CartOut, **ERRORS}, operation_id="setCartLine"
)
def set_line(request: HttpRequest, token: Token, sku: Sku, body: QuantityIn) -> CartOut:
    """Change how many units of a SKU the cart holds."""
    cart = _cart(token)
    _run(lambda: services.set_line_quantity(cart, sku, body.quantity))
    return _fresh(cart)


@router.delete(
    "/carts/{token}/lines/{sku}", response={200: CartOut, **ERRORS}, operation_id="removeCartLine"
)
def remove_line(request: HttpRequest, token: Token, sku: Sku) -> CartOut:
    cart = _cart(token)
    _run(lambda: services.remove_line(cart, sku))
    return _fresh(cart)


@router.put(
    "/carts/{token}/address", response={200: CartOut, **ERRORS}, operation_id="setCartAddress"
)
def set_address(request: HttpRequest, token: Token, body: AddressStep) -> CartOut:
    """Step one: contact email and shipping address (billing defaults to it)."""
    cart = _cart(token)
    billing = body.billing_address.model_dump() if body.billing_address else None
    _run(
        lambda: services.set_contact_and_address(
            cart, body.email, body.shipping_address.model_dump(), billing
        )
    )
    return _fresh(cart)


@router.get(
    "/carts/{token}/shipping-options",
    response={200: list[ShippingOut], **ERRORS},
    operation_id="listShippingOptions",
)
def shipping_options(request: HttpRequest, token: Token) -> list[ShippingOut]:
    """Step two's choices, cheapest first, each with its arrival window."""
    cart = _cart(token)
    options = _run(lambda: services.shipping_options(cart))
    return [
        ShippingOut(
            method_id=o.method_id,
            name=o.name,
            carrier=o.carrier,
            price=amount_out(o.price),
            arrives_from=o.arrives_from,
            arrives_to=o.arrives_to,
        )
        for o in options
    ]


@router.put(
    "/carts/{token}/shipping-method",
    response={200: CartOut, **ERRORS},
    operation_id="setShippingMethod",
)
def set_shipping_method(request: HttpRequest, token: Token, body: MethodIn) -> CartOut:
    """Step two: choose a method from the shipping options."""
    cart = _cart(token)
    _run(lambda: services.set_shipping_method(cart, body.method_id))
    return _fresh(cart)


@router.post(
    "/carts/{token}/order",
    response={200: OrderOut, 201: OrderOut, **ERRORS},
    operation_id="placeOrder",
)
def place_order(
    request: HttpRequest,
    token: Token,
    body: PaymentIn,
    idempotency_key: Annotated[
        str, Header(alias="Idempotency-Key", min_length=1, max_length=200, pattern=TEXT)
    ],
) -> Status:
    """Step three: place the order and pay. 201 for a new order; 200 when the key (or the
    cart) already placed it, with that order. A declined payment still answers with the
    order (pending payment, stock held) and the payment's message; pay again with a new key.
    """
    cart = _cart(token)
    placed = _run(
        lambda: services.place_order(
            cart,
            payment_method=body.payment_method,
            payment_details=body.payment_details,
            idempotency_key=idempotency_key,
        )
    )
    order = placed.order
    payment = placed.payment
    return Status(
        201 if placed.created else 200,
        OrderOut(
            number=order.number,
            status=order.status,
            created=placed.created,
            subtotal=amount_out(order.subtotal),
            shipping=amount_out(order.shipping),
            tax=amount_out(order.tax),
            duty=amount_out(order.duty),
            total=amount_out(order.total),
            payment=None
            if payment is None
            else PaymentOut(
                status=payment.status,
                method=payment.method,
                amount=amount_out(payment.amount),
                message=payment.message,
                code=payment.code,
                action=payment.action,
                instructions=payment.instructions,
            ),
        ),
    )
