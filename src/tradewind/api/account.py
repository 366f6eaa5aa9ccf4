"""The shopper's account API: register, sign in and out, addresses, orders and returns.

Shoppers are signed in by Django's session cookie, as on the store's own pages. Every call
that changes something while signed in (POST, PUT, DELETE) must carry the ``csrftoken``
cookie's value in an ``X-CSRFToken`` header, or it is refused with 403: a cookie is sent
by the browser on any site's request, so the header is what proves the call came from the
store's own pages. Calls without a signed-in session answer 401.

Signing in may carry the token of the cart the shopper filled as a guest: its lines join
the customer's open cart in that market (quantities added), and the answer names the cart
to use from then on. A token that names no live guest cart (expired, already ordered,
someone else's) is left alone rather than refusing the sign-in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie
from pydantic import Field, StringConstraints

from tradewind.api.checkout import TEXT, AddressIn, Amount, amount_out
from tradewind.api.errors import Message, NotFound, ValidationErrors
from tradewind.checkout import services as checkout
from tradewind.checkout.models import Cart
from tradewind.customers import services as customers
from tradewind.customers.models import Address, Customer
from tradewind.customers.sessions import current_customer, log_in, log_out
from tradewind.markets.services import market_by_code
from tradewind.orders import services as orders
from tradewind.orders.models import Order, ReturnReason, Shipment
from tradewind.orders.states import IllegalTransition


class CustomerSession(APIKeyCookie):
    """The signed-in shopper from the session cookie; ninja checks CSRF on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Customer | None:
        return current_customer(request) if key else None


router = Router(tags=["account"], auth=CustomerSession())

T = TypeVar("T")
SLUG = r"^[-a-zA-Z0-9_]+$"
MAX_PAGE = 100
MAX_OFFSET = 100_000
MAX_ID = 2**31 - 1
SIGNED_IN: dict[int | str, Any] = {401: Message, 403: Message}
INPUT: dict[int | str, Any] = {400: Message, 422: ValidationErrors}
WRONG_CREDENTIALS = "Wrong email or password."

OrderNumber = Annotated[str, Path(pattern=r"^[-A-Z0-9]+$", max_length=20)]
Text = Annotated[str, StringConstraints(max_length=255, pattern=TEXT)]
LineId = Annotated[int, Field(ge=1, le=MAX_ID)]
Units = Annotated[int, Field(ge=1, le=10_000)]


class RegisterIn(Schema):
    email: Text = Field(examples=["anna@example.com"])
    password: str = Field(max_length=1000, pattern=TEXT)
    first_name: Text = ""
    last_name: Text = ""
    language: str | None = Field(None, pattern=SLUG, max_length=10, examples=["de"])
    market: str | None = Field(None, pattern=SLUG, max_length=32, examples=["eu"])
    accepts_marketing: bool = False


class SignInIn(Schema):
    email: Text
    password: str = Field(max_length=1000, pattern=TEXT)
    cart_token: str | None = Field(
        None,
        pattern=r"^[-_A-Za-z0-9]+$",
        max_length=64,
        description="The guest cart to merge into the customer's cart.",
    )


class CustomerOut(Schema):
    email: str
    first_name: str
    last_name: str
    language: str
    market: str | None
    accepts_marketing: bool


class SignedIn(Schema):
    customer: CustomerOut
    cart_token: str | None = Field(description="The cart to use from now on, when one was sent.")


class NewAddress(AddressIn):
    default_shipping: bool | None = None
    default_billing: bool | None = None


class AddressOut(Schema):
    id: int
    name: str
    company: str
    street_address_1: str
    street_address_2: str
    city: str
    city_area: str
    postal_code: str
    country_area: str
    sorting_code: str
    country: str
    phone: str
    is_default_shipping: bool
    is_default_billing: bool


class PageQuery(Schema):
    limit: int = Field(20, ge=1, le=MAX_PAGE, description=f"Page size, 1 to {MAX_PAGE}.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Orders to skip.")


class OrderSummary(Schema):
    number: str
    status: str
    placed_at: datetime
    total: Amount
    currency: str


class OrderPage(Schema):
    count: int
    items: list[OrderSummary]


class OrderLineOut(Schema):
    id: int
    sku: str
    name: str
    options: dict[str, str]
    quantity: int
    unit_price: Amount
    total: Amount


class ShippedLine(Schema):
    line_id: int
    quantity: int


class ShipmentOut(Schema):
    carrier: str
    tracking_number: str
    shipped_at: datetime
    delivered_at: datetime | None
    lines: list[ShippedLine]


class OrderDetail(OrderSummary):
    subtotal: Amount
    shipping: Amount
    tax: Amount
    duty: Amount
    shipping_address: dict[str, Any]
    delivery_promise_from: date | None
    delivery_promise_to: date | None
    lines: list[OrderLineOut]
    shipments: list[ShipmentOut]
    return_deadline: date | None = Field(
        description="The last day a return may be asked for; empty until delivered."
    )


class ReturnIn(Schema):
    lines: dict[LineId, Units] = Field(
        description="Units to send back per order line id.", examples=[{"1": 1}]
    )
    reason_code: ReturnReason
    note: str = Field("", max_length=2000, pattern=TEXT)


class ReturnOut(Schema):
    id: int
    status: str
    reason_code: str
    note: str
    lines: list[ShippedLine]


def _invalid(exc: ValidationError, *, general: str) -> NinjaValidationError:
    """The house 422; messages tied to no field are reported at ``general``."""
    if hasattr(exc, "error_dict"):
        pairs = [(f, m) for f, messages in exc.message_dict.items() for m in messages]
    else:
        pairs = [(general, m) for m in exc.messages]
    return NinjaValidationError(
        [{"loc": ["body", f], "msg": m, "type": "value_error"} for f, m in pairs]
    )


def _run(action: Callable[[], T], *, general: str) -> T:
    try:
        return action()
    except ValidationError as exc:
        raise _invalid(exc, general=general) from None


def _me(request: HttpRequest) -> Customer:
    customer: Customer = request.auth  # type: ignore[attr-defined]
    return customer


def _customer_out(customer: Customer) -> CustomerOut:
    market = customer.market.code if customer.market is not None else None
    return CustomerOut(
        email=customer.email,
        first_name=customer.first_name,
        last_name=customer.last_name,
        language=customer.language,
        market=market,
        accepts_marketing=customer.accepts_marketing,
    )


# --- signing in ---------------------------------------------------------------------------


@router.post(
    "/account/register", auth=None, response={201: CustomerOut, **INPUT}, operation_id="register"
)
def register(request: HttpRequest, body: RegisterIn) -> Status:
    """Open an account and sign in with it."""
    market = None
    if body.market is not None:
        market = market_by_code(body.market)
        if market is None:
            raise _invalid(
                ValidationError({"market": f"Unknown market '{body.market}'."}), general=""
            )
    customer = _run(
        lambda: customers.register(
            body.email,
            body.password,
            first_name=body.first_name,
            last_name=body.last_name,
            language=body.language,
            market=market,
            accepts_marketing=body.accepts_marketing,
        ),
        general="email",
    )
    log_in(request, customer)
    return Status(201, _customer_out(customer))


@router.post(
    "/account/sign-in",
    auth=None,
    response={200: SignedIn, 401: Message, **INPUT},
    operation_id="signIn",
)
def sign_in(request: HttpRequest, body: SignInIn) -> Status:
    """Sign in; a guest cart's token, when sent, is merged into the customer's cart."""
    customer = customers.authenticate(body.email, body.password)
    if customer is None:
        # One message for an unknown email and a wrong password: it must not tell which.
        return Status(401, Message(detail=WRONG_CREDENTIALS))
    log_in(request, customer)
    cart_token = _adopt_guest_cart(body.cart_token, customer) if body.cart_token else None
    return Status(200, SignedIn(customer=_customer_out(customer), cart_token=cart_token))


def _adopt_guest_cart(token: str, customer: Customer) -> str | None:
    """Merge the guest cart ``token`` into ``customer``'s open cart in its market."""
    try:
        guest = checkout.get_cart(token)
    except checkout.CartNotFound:
        return None
    if getattr(guest, "placed_order_id", None):
        return None
    if guest.customer_id == customer.pk:
        return guest.token
    if guest.customer_id is not None:
        return None
    placed = Order.objects.filter(checkout_token=OuterRef("token"))
    mine = (
        Cart.objects.select_related("market")
        .filter(customer=customer, market_id=guest.market_id, expires_at__gt=timezone.now())
        .exclude(pk=guest.pk)
        .filter(~Exists(placed))
        .order_by("-updated_at", "-id")
        .first()
    )
    if mine is None:
        guest.customer = customer
        guest.save(update_fields=["customer", "updated_at"])
        return guest.token
    return _run(lambda: checkout.merge_carts(guest, mine), general="cart_token").token


@router.post("/account/sign-out", response={204: None, **SIGNED_IN}, operation_id="signOut")
def sign_out(request: HttpRequest) -> Status:
    log_out(request)
    return Status(204, None)


@router.get("/account/me", response={200: CustomerOut, **SIGNED_IN}, operation_id="getMe")
def me(request: HttpRequest) -> CustomerOut:
    """The signed-in customer."""
    return _customer_out(_me(request))


# --- addresses ----------------------------------------------------------------------------


def _address_out(address: Address) -> AddressOut:
    return AddressOut.model_validate(address, from_attributes=True)


@router.get(
    "/account/addresses",
    response={200: list[AddressOut], **SIGNED_IN},
    operation_id="listAddresses",
)
def list_addresses(request: HttpRequest) -> list[AddressOut]:
    """The address book, default shipping address first."""
    return [_address_out(a) for a in Address.objects.filter(customer=_me(request))]


@router.post(
    "/account/addresses",
    response={201: AddressOut, **SIGNED_IN, **INPUT},
    operation_id="addAddress",
)
def add_address(request: HttpRequest, body: NewAddress) -> Status:
    """Add an address, checked against its country's rules (postal code, phone...)."""
    data = body.model_dump(exclude={"default_shipping", "default_billing"})
    address = _run(
        lambda: customers.add_address(
            _me(request),
            data,
            default_shipping=body.default_shipping,
            default_billing=body.default_billing,
        ),
        general="address",
    )
    return Status(201, _address_out(address))


@router.delete(
    "/account/addresses/{address_id}",
    response={204: None, 404: Message, **SIGNED_IN, **INPUT},
    operation_id="deleteAddress",
)
def delete_address(
    request: HttpRequest, address_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> Status:
    address = Address.objects.filter(customer=_me(request), pk=address_id).first()
    if address is None:
        raise NotFound("No address with this id in your address book.")
    customers.delete_address(address)
    return Status(204, None)


# --- orders and returns -------------------------------------------------------------------


def _summary_fields(order: Order) -> dict[str, Any]:
    return {
        "number": order.number,
        "status": order.status,
        "placed_at": order.placed_at,
        "total": amount_out(order.total),
        "currency": order.currency,
    }


@router.get(
    "/account/orders",
    response={200: OrderPage, **SIGNED_IN, **INPUT},
    operation_id="listMyOrders",
)
def list_orders(request: HttpRequest, params: Query[PageQuery]) -> OrderPage:
    """The signed-in customer's orders, newest first, a page at a time."""
    mine = Order.objects.filter(customer=_me(request))
    page = mine.only("number", "status", "placed_at", "total_amount", "currency")[
        params.offset : params.offset + params.limit
    ]
    return OrderPage(count=mine.count(), items=[OrderSummary(**_summary_fields(o)) for o in page])


def _my_order(request: HttpRequest, number: str) -> Order:
    # Another customer's order answers exactly as a number that does not exist.
    order = (
        Order.objects.select_related("market")
        .prefetch_related(
            "lines",
            Prefetch("shipments", queryset=Shipment.objects.prefetch_related("lines")),
        )
        .filter(customer=_me(request), number=number)
        .first()
    )
    if order is None:
        raise NotFound("Your account has no order with this number.")
    return order


@router.get(
    "/account/orders/{number}",
    response={200: OrderDetail, 404: Message, **SIGNED_IN, **INPUT},
    operation_id="getMyOrder",
)
def get_order(request: HttpRequest, number: OrderNumber) -> OrderDetail:
    """One order: its lines, the shipments with their tracking, and the return deadline."""
    order = _my_order(request, number)
    return OrderDetail(
        **_summary_fields(order),
        subtotal=amount_out(order.subtotal),
        shipping=amount_out(order.shipping),
        tax=amount_out(order.tax),
        duty=amount_out(order.duty),
        shipping_address=order.shipping_address,
        delivery_promise_from=order.delivery_promise_from,
        delivery_promise_to=order.delivery_promise_to,
        lines=[
            OrderLineOut(
                id=line.pk,
                sku=line.sku,
                name=line.product_name,
                options=line.options,
                quantity=line.quantity,
                unit_price=Amount(amount=format(line.unit_price, "f"), currency=line.currency),
                total=amount_out(line.total),
            )
            for line in order.lines.all()
        ],
        shipments=[
            ShipmentOut(
                carrier=shipment.carrier,
                tracking_number=shipment.tracking_number,
                shipped_at=shipment.shipped_at,
                delivered_at=shipment.delivered_at,
                lines=[
                    ShippedLine(line_id=item.line_id, quantity=item.quantity)
                    for item in shipment.lines.all()
                ],
            )
            for shipment in order.shipments.all()
        ],
        return_deadline=orders.return_deadline(order),
    )


@router.post(
    "/account/orders/{number}/returns",
    response={201: ReturnOut, 404: Message, **SIGNED_IN, **INPUT},
    operation_id="requestReturn",
)
def request_return(request: HttpRequest, number: OrderNumber, body: ReturnIn) -> Status:
    """Ask to send back delivered units within the market's return window.

    Refusals name ``lines`` (the window has closed, with its last day; more units than
    were delivered; a return already open) or ``reason_code``.
    """
    order = _my_order(request, number)
    try:
        created = _run(
            lambda: orders.request_return(order, body.lines, body.reason_code.value, body.note),
            general="lines",
        )
    except IllegalTransition as exc:
        raise _invalid(ValidationError(str(exc)), general="lines") from None
    return Status(
        201,
        ReturnOut(
            id=created.pk,
            status=created.status,
            reason_code=created.reason,
            note=created.note,
            lines=[ShippedLine(line_id=k, quantity=v) for k, v in body.lines.items()],
        ),
    )
