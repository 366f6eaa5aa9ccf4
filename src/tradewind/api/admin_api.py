"""The admin API: what staff tools and integrations (ERP, WMS, helpdesk) do with orders,
fulfilments, refunds, returns and stock.

Every call needs a staff token (``Authorization: Bearer <secret>``, made with
``tradewind token create``) and acts with its owner's role: reading orders needs
``orders.view_order``; changing them (status, shipments, returns) ``orders.change_order``;
refunds ``payments.change_payment``; reading stock ``inventory.view_stock`` and changing it
``inventory.change_stock``. Changes go through the owning app's use cases, so the state
machine, the stock rules and the outbox events are the same as in the admin.

Errors: 401 without a live token, 403 naming a missing permission, 404 for an unknown
order, shipment or return, 409 when the thing's state forbids the change (the message says
what is allowed), 422 in the house shape naming the field to fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from moneyed import Money
from ninja import Header, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status as Created
from pydantic import Field, field_validator

from tradewind.api.auth import StaffBearer, require
from tradewind.api.errors import InvalidParameter, Message, NotFound, ValidationErrors
from tradewind.catalog.models import Variant
from tradewind.core.money import quantize
from tradewind.inventory import services as inventory
from tradewind.inventory.models import Stock, Warehouse
from tradewind.markets.models import Market
from tradewind.orders import services as orders
from tradewind.orders.models import Order, ReturnRequest, Shipment
from tradewind.orders.states import IllegalTransition, Status
from tradewind.payments import services as payments
from tradewind.payments.models import Payment, PaymentStatus, Refund

router = Router(tags=["admin"], auth=StaffBearer())

SLUG = r"^[-a-zA-Z0-9_]+$"
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# Free text may hold anything staff type, except NUL which no database stores.
TEXT = r"^[^\x00]*$"
MAX_PAGE = 100
MAX_OFFSET = 1_000_000
# The largest id a 64-bit primary key holds; a larger number cannot name anything.
MAX_ID = 2**63 - 1
MAX_UNITS = 1_000_000
# Dates outside this range name no order and would overflow time zone conversion.
EARLIEST = date(1900, 1, 1)
LATEST = date(9000, 12, 31)

VIEW_ORDERS = "orders.view_order"
CHANGE_ORDERS = "orders.change_order"
REFUND = "payments.change_payment"
VIEW_STOCK = "inventory.view_stock"
CHANGE_STOCK = "inventory.change_stock"

DENIED: dict[int | str, Any] = {401: Message, 403: Message}
READ = {**DENIED, 404: Message, 422: ValidationErrors}
# 400: a body that is not JSON at all.
WRITE = {**READ, 400: Message, 409: Message}

OrderNumber = Annotated[
    str, Path(pattern=SLUG, max_length=20, examples=["TW-7K2QM-X9D4R"], description="Order number")
]
ObjectId = Annotated[int, Path(ge=1, le=MAX_ID)]
WarehouseCode = Annotated[str, Field(pattern=SLUG, max_length=32, examples=["nl-ams"])]
Units = Annotated[int, Field(ge=1, le=MAX_UNITS)]


# --- schemas ------------------------------------------------------------------------------
# Named Admin* because OpenAPI components share one namespace with the store API's.


class AdminOrderSummary(Schema):
    number: str
    status: Status
    market: str
    email: str
    currency: str
    total: str = Field(description="Decimal amount in the currency's precision, e.g. '80.00'.")
    refunded: str
    placed_at: datetime
    paid_at: datetime | None
    delivered_at: datetime | None


class AdminOrderPage(Schema):
    total: int
    limit: int
    offset: int
    items: list[AdminOrderSummary]


class AdminLineOut(Schema):
    id: int
    sku: str
    product_name: str
    options: dict[str, Any]
    quantity: int
    unit_price: str
    tax_rate: str = Field(description="Percent.")
    tax: str
    total: str


class AdminTransitionOut(Schema):
    from_status: Status
    to_status: Status
    actor: str
    reason: str
    at: datetime


class AdminShipmentOut(Schema):
    id: int
    order: str
    order_status: Status
    warehouse: str
    carrier: str
    tracking_number: str
    shipped_at: datetime
    delivered_at: datetime | None
    lines: dict[int, int] = Field(description="Order line id -> units in this parcel.")


class AdminReturnOut(Schema):
    id: int
    order: str
    status: str
    reason: str
    note: str
    refund_amount: str | None
    created_at: datetime
    lines: dict[int, int] = Field(description="Order line id -> units returned.")


class AdminRefundOut(Schema):
    id: int
    payment: int
    amount: str
    currency: str
    succeeded: bool
    message: str
    reason: str
    payment_status: str
    created_at: datetime


class AdminPaymentOut(Schema):
    id: int
    method: str
    provider: str
    status: str
    amount: str
    captured: str
    refunded: str
    created_at: datetime
    refunds: list[AdminRefundOut]


class AdminOrderDetail(AdminOrderSummary):
    language: str
    shipping_address: dict[str, Any]
    subtotal: str
    discount: str
    shipping: str
    tax: str
    duty: str
    lines: list[AdminLineOut]
    transitions: list[AdminTransitionOut]
    shipments: list[AdminShipmentOut]
    returns: list[AdminReturnOut]
    payments: list[AdminPaymentOut]


class AdminStockOut(Schema):
    sku: str
    warehouse: str
    on_hand: int
    allocated: int
    available: int


class AdminStockPage(Schema):
    total: int
    limit: int
    offset: int
    items: list[AdminStockOut]


class AdminOrderQuery(Schema):
    status: Status | None = None
    market: str | None = Field(None, pattern=SLUG, max_length=32, description="Market code.")
    placed_from: date | None = Field(None, description="Placed on or after this day.")
    placed_to: date | None = Field(None, description="Placed on or before this day.")
    q: str | None = Field(
        None, pattern=TEXT, max_length=254, description="An order number or email, exactly."
    )
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)

    @field_validator("placed_from", "placed_to", mode="before")
    @classmethod
    def iso_day(cls, value: object) -> object:
        # Pydantic would also read '0' or '1700000000' as a Unix time; a day is YYYY-MM-DD.
        if isinstance(value, str) and not ISO_DAY.fullmatch(value):
            raise ValueError("give a day as YYYY-MM-DD")
        return value


class AdminStockQuery(Schema):
    # Empty rather than null when not given: a nullable query parameter lets fuzzers send a
    # "not a string" that arrives as the string "false" all the same.
    sku: str = Field("", pattern=TEXT, max_length=64, description="Only this SKU.")
    warehouse: str = Field(
        "", pattern=r"^[-a-zA-Z0-9_]*$", max_length=32, description="Only this warehouse code."
    )
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class AdminTransitionIn(Schema):
    to: Status
    reason: str = Field("", pattern=TEXT, max_length=1000)


class AdminShipmentIn(Schema):
    warehouse: WarehouseCode
    lines: dict[int, Units] = Field(description="Order line id -> units to ship.")
    carrier: str = Field(pattern=TEXT, max_length=100)
    tracking_number: str = Field("", pattern=TEXT, max_length=100)


class AdminDeliveredIn(Schema):
    delivered_at: datetime | None = Field(None, description="Default: now.")


class AdminRefundIn(Schema):
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=4, examples=["10.00"])
    reason: str = Field(pattern=TEXT, max_length=300)


class AdminReceiveIn(Schema):
    restock: dict[int, bool] = Field(description="Order line id -> back to stock (or written off).")
    warehouse: WarehouseCode | None = Field(
        None, description="Where restocked units go; default: the warehouse that shipped them."
    )


class AdminAdjustmentIn(Schema):
    sku: str = Field(pattern=TEXT, max_length=64)
    warehouse: WarehouseCode
    delta: int = Field(
        ge=-MAX_UNITS, le=MAX_UNITS, description="Units to add (positive) or remove (negative)."
    )
    note: str = Field(pattern=TEXT, max_length=200, description="Why the count changed.")
    reason: Literal["adjustment", "restock"] = Field(
        "adjustment", description="'restock' books a delivery (positive delta only)."
    )


# --- errors -------------------------------------------------------------------------------


def _refused(
    exc: DjangoValidationError, *, names: Mapping[str, str] | None = None
) -> NinjaValidationError | HttpError:
    """A use case's refusal as an answer: field errors become 422 naming the request field
    (``names`` maps the use case's names to the API's), anything else is a 409 conflict
    with the state of the order, return or payment."""
    if not hasattr(exc, "error_dict"):
        return HttpError(409, " ".join(exc.messages))
    items = [
        {"loc": ["body", (names or {}).get(field, field)], "msg": message, "type": "value_error"}
        for field, messages in exc.message_dict.items()
        for message in messages
    ]
    return NinjaValidationError(items)


def _money(amount: Decimal | None, currency: str) -> str:
    return str(quantize(amount if amount is not None else Decimal(0), currency))


# --- reading ------------------------------------------------------------------------------


def _summary(order: Order) -> dict[str, Any]:
    return {
        "number": order.number,
        "status": order.status,
        "market": order.market.code,
        "email": order.email,
        "currency": order.currency,
        "total": _money(order.total_amount, order.currency),
        "refunded": _money(order.refunded_amount, order.currency),
        "placed_at": order.placed_at,
        "paid_at": order.paid_at,
        "delivered_at": order.delivered_at,
    }


def _shipment_out(shipment: Shipment, order: Order) -> AdminShipmentOut:
    return AdminShipmentOut(
        id=shipment.pk,
        order=order.number,
        order_status=Status(order.status),
        warehouse=shipment.warehouse.code,
        carrier=shipment.carrier,
        tracking_number=shipment.tracking_number,
        shipped_at=shipment.shipped_at,
        delivered_at=shipment.delivered_at,
        lines={line.line_id: line.quantity for line in shipment.lines.all()},
    )


def _return_out(request: ReturnRequest, order: Order) -> AdminReturnOut:
    return AdminReturnOut(
        id=request.pk,
        order=order.number,
        status=request.status,
        reason=request.reason,
        note=request.note,
        refund_amount=None
        if request.refund_amount is None
        else _money(request.refund_amount, request.currency),
        created_at=request.created_at,
        lines={line.line_id: line.quantity for line in request.lines.all()},
    )


def _refund_out(refund: Refund, payment: Payment) -> AdminRefundOut:
    return AdminRefundOut(
        id=refund.pk,
        payment=payment.pk,
        amount=_money(refund.amount, refund.currency),
        currency=refund.currency,
        succeeded=refund.succeeded,
        message=refund.message,
        reason=refund.reason,
        payment_status=payment.status,
        created_at=refund.created_at,
    )


def _order_detail(number: str) -> AdminOrderDetail:
    """One order with everything that happened to it, in a fixed number of queries."""
    order = (
        Order.objects.select_related("market")
        .prefetch_related(
            "lines",
            "transitions",
            Prefetch(
                "shipments",
                Shipment.objects.select_related("warehouse").prefetch_related("lines"),
            ),
            Prefetch("returns", ReturnRequest.objects.prefetch_related("lines")),
            Prefetch("payments", Payment.objects.prefetch_related("refunds")),
        )
        .filter(number=number)
        .first()
    )
    if order is None:
        raise NotFound(f"No order with the number '{number}'.")
    currency = order.currency
    return AdminOrderDetail(
        **_summary(order),
        language=order.language,
        shipping_address=order.shipping_address,
        subtotal=_money(order.subtotal_amount, currency),
        discount=_money(order.discount_amount, currency),
        shipping=_money(order.shipping_amount, currency),
        tax=_money(order.tax_amount, currency),
        duty=_money(order.duty_amount, currency),
        lines=[
            AdminLineOut(
                id=line.pk,
                sku=line.sku,
                product_name=line.product_name,
                options=line.options,
                quantity=line.quantity,
                unit_price=_money(line.unit_price, currency),
                tax_rate=str(line.tax_rate),
                tax=_money(line.tax_amount, currency),
                total=_money(line.total_amount, currency),
            )
            for line in order.lines.all()
        ],
        transitions=[
            AdminTransitionOut(
                from_status=Status(t.from_status),
                to_status=Status(t.to_status),
                actor=t.actor_label,
                reason=t.reason,
                at=t.at,
            )
            for t in order.transitions.all()
        ],
        shipments=[_shipment_out(s, order) for s in order.shipments.all()],
        returns=[_return_out(r, order) for r in order.returns.all()],
        payments=[
            AdminPaymentOut(
                id=p.pk,
                method=p.method,
                provider=p.provider,
                status=p.status,
                amount=_money(p.amount, p.currency),
                captured=_money(p.captured_amount, p.currency),
                refunded=_money(p.refunded_amount, p.currency),
                created_at=p.created_at,
                refunds=[_refund_out(r, p) for r in p.refunds.all()],
            )
            for p in order.payments.all()
        ],
    )


def _day_start(day: date) -> datetime:
    clamped = min(max(day, EARLIEST), LATEST)
    return timezone.make_aware(datetime.combine(clamped, time.min))


def _filtered_orders(params: AdminOrderQuery) -> QuerySet[Order]:
    found = Order.objects.select_related("market").order_by("-placed_at", "-id")
    if params.status is not None:
        found = found.filter(status=params.status)
    if params.market is not None:
        market_id = Market.objects.filter(code=params.market).values_list("pk", flat=True).first()
        if market_id is None:
            raise InvalidParameter("market", f"unknown market '{params.market}'")
        found = found.filter(market_id=market_id)
    if params.placed_from is not None:
        found = found.filter(placed_at__gte=_day_start(params.placed_from))
    if params.placed_to is not None:
        if params.placed_from is not None and params.placed_to < params.placed_from:
            raise InvalidParameter("placed_to", "must not be before placed_from")
        if params.placed_to < LATEST:
            found = found.filter(
                placed_at__lt=_day_start(date.fromordinal(params.placed_to.toordinal() + 1))
            )
    if params.q and params.q.strip():
        text = params.q.strip()
        found = found.filter(Q(number__iexact=text) | Q(email__iexact=text))
    return found


def _order(number: str) -> Order:
    order = Order.objects.filter(number=number).first()
    if order is None:
        raise NotFound(f"No order with the number '{number}'.")
    return order


def _warehouse(code: str, field: str = "warehouse") -> Warehouse:
    found = Warehouse.objects.filter(code=code).first()
    if found is None:
        raise InvalidParameter(field, f"unknown warehouse '{code}'", source="body")
    return found


@router.get("/orders", response={200: AdminOrderPage, **READ}, operation_id="adminListOrders")
def list_orders(request: HttpRequest, params: Query[AdminOrderQuery]) -> AdminOrderPage:
    """Orders, newest first, filtered by status, market, day placed, or number / email."""
    require(request, VIEW_ORDERS)
    found = _filtered_orders(params)
    page = found[params.offset : params.offset + params.limit]
    return AdminOrderPage(
        total=found.count(),
        limit=params.limit,
        offset=params.offset,
        items=[AdminOrderSummary(**_summary(order)) for order in page],
    )


@router.get(
    "/orders/{number}", response={200: AdminOrderDetail, **READ}, operation_id="adminGetOrder"
)
def get_order(request: HttpRequest, number: OrderNumber) -> AdminOrderDetail:
    """One order with its lines, status history, shipments, returns and payments."""
    require(request, VIEW_ORDERS)
    return _order_detail(number)


# --- changing orders ----------------------------------------------------------------------


@router.post(
    "/orders/{number}/transitions",
    response={200: AdminOrderDetail, **WRITE},
    operation_id="adminTransitionOrder",
)
def transition_order(
    request: HttpRequest, number: OrderNumber, body: AdminTransitionIn
) -> AdminOrderDetail:
    """Move an order to another status (e.g. cancel it, releasing its stock); a move the
    lifecycle does not allow is refused with 409 naming the allowed next statuses."""
    user = require(request, CHANGE_ORDERS)
    order = _order(number)
    try:
        orders.transition(order, body.to, actor=user, reason=body.reason.strip())
    except IllegalTransition as exc:
        raise HttpError(409, str(exc)) from exc
    return _order_detail(number)


@router.post(
    "/orders/{number}/shipments",
    response={201: AdminShipmentOut, **WRITE},
    operation_id="adminCreateShipment",
)
def create_shipment(
    request: HttpRequest, number: OrderNumber, body: AdminShipmentIn
) -> Created[AdminShipmentOut]:
    """Ship order lines from a warehouse with a carrier and tracking number; the order
    becomes partially fulfilled, or fulfilled once every unit has shipped."""
    user = require(request, CHANGE_ORDERS)
    order = _order(number)
    warehouse = _warehouse(body.warehouse)
    try:
        shipment = orders.create_shipment(
            order, warehouse, body.lines, body.carrier, body.tracking_number, actor=user
        )
    except IllegalTransition as exc:
        raise HttpError(409, str(exc)) from exc
    except DjangoValidationError as exc:
        raise _refused(exc) from exc
    order.refresh_from_db(fields=["status"])
    return Created(201, _shipment_out(shipment, order))


@router.post(
    "/shipments/{shipment_id}/delivered",
    response={200: AdminShipmentOut, **WRITE},
    operation_id="adminConfirmDelivery",
)
def confirm_delivery(
    request: HttpRequest, shipment_id: ObjectId, body: AdminDeliveredIn | None = None
) -> AdminShipmentOut:
    """Record a parcel's arrival; the order is delivered once all its parcels are."""
    user = require(request, CHANGE_ORDERS)
    shipment = Shipment.objects.select_related("warehouse").filter(pk=shipment_id).first()
    if shipment is None:
        raise NotFound(f"No shipment with the id {shipment_id}.")
    delivered_at = body.delivered_at if body is not None else None
    if delivered_at is not None and timezone.is_naive(delivered_at):
        raise InvalidParameter("delivered_at", "give a time zone, e.g. '…Z'", source="body")
    if delivered_at is not None and delivered_at > timezone.now():
        raise InvalidParameter("delivered_at", "cannot be in the future", source="body")
    try:
        order = orders.confirm_delivery(shipment, delivered_at=delivered_at, actor=user)
    except IllegalTransition as exc:
        raise HttpError(409, str(exc)) from exc
    except DjangoValidationError as exc:
        raise _refused(exc) from exc
    shipment.refresh_from_db(fields=["delivered_at"])
    return _shipment_out(shipment, order)


@router.post(
    "/orders/{number}/refunds",
    response={201: AdminRefundOut, **WRITE, 503: Message},
    operation_id="adminRefundOrder",
)
def refund_order(
    request: HttpRequest,
    number: OrderNumber,
    body: AdminRefundIn,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            pattern=r"^[\x21-\x7e]+$",
            max_length=200,
            description="Repeat a request with the same key to get the same refund, not two.",
        ),
    ] = None,
) -> Created[AdminRefundOut]:
    """Send money back on the order's captured payment, in part or in full."""
    user = require(request, REFUND)
    order = _order(number)
    if not body.reason.strip():
        raise InvalidParameter("reason", "say why the money goes back", source="body")
    if body.amount != quantize(body.amount, order.currency):
        raise InvalidParameter(
            "amount", f"{order.currency} amounts have at most the currency's decimals", "body"
        )
    payment = (
        Payment.objects.filter(
            order=order, status__in=(PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED)
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if payment is None:
        raise HttpError(409, f"Order {order.number} has no captured payment to refund.")
    try:
        refund = payments.refund(
            payment.pk,
            Money(body.amount, order.currency),
            reason=body.reason.strip(),
            actor_label=user.get_username(),
            idempotency_key=f"admin-refund:{idempotency_key}" if idempotency_key else None,
        )
    except payments.PaymentServiceUnavailable as exc:
        raise HttpError(503, str(exc)) from exc
    except DjangoValidationError as exc:
        raise _refused(exc) from exc
    payment.refresh_from_db(fields=["status"])
    return Created(201, _refund_out(refund, payment))


# --- returns ------------------------------------------------------------------------------


def _return(return_id: int) -> ReturnRequest:
    found = ReturnRequest.objects.select_related("order").filter(pk=return_id).first()
    if found is None:
        raise NotFound(f"No return with the id {return_id}.")
    return found


@router.post(
    "/returns/{return_id}/approve",
    response={200: AdminReturnOut, **WRITE},
    operation_id="adminApproveReturn",
)
def approve_return(request: HttpRequest, return_id: ObjectId) -> AdminReturnOut:
    """Accept a return request: the shopper may send the goods back."""
    user = require(request, CHANGE_ORDERS)
    found = _return(return_id)
    try:
        approved = orders.approve_return(found, actor=user)
    except DjangoValidationError as exc:
        raise _refused(exc) from exc
    return _return_out(approved, found.order)


@router.post(
    "/returns/{return_id}/receive",
    response={200: AdminReturnOut, **WRITE},
    operation_id="adminReceiveReturn",
)
def receive_return(
    request: HttpRequest, return_id: ObjectId, body: AdminReceiveIn
) -> AdminReturnOut:
    """The goods are back: put each line back on sale or write it off."""
    user = require(request, CHANGE_ORDERS)
    found = _return(return_id)
    warehouse = _warehouse(body.warehouse) if body.warehouse is not None else None
    try:
        received = orders.receive_return(found, body.restock, warehouse=warehouse, actor=user)
    except IllegalTransition as exc:
        raise HttpError(409, str(exc)) from exc
    except DjangoValidationError as exc:
        raise _refused(exc) from exc
    return _return_out(received, found.order)


# --- stock --------------------------------------------------------------------------------


def _stock_out(stock: Stock) -> AdminStockOut:
    return AdminStockOut(
        sku=stock.variant.sku,
        warehouse=stock.warehouse.code,
        on_hand=stock.on_hand,
        allocated=stock.allocated,
        available=stock.available,
    )


@router.get("/stock", response={200: AdminStockPage, **READ}, operation_id="adminListStock")
def list_stock(request: HttpRequest, params: Query[AdminStockQuery]) -> AdminStockPage:
    """Units on hand, reserved for orders, and free, per SKU and warehouse."""
    require(request, VIEW_STOCK)
    found = Stock.objects.select_related("variant", "warehouse").order_by(
        "variant__sku", "warehouse__code"
    )
    if params.sku:
        found = found.filter(variant__sku=params.sku)
    if params.warehouse:
        if not Warehouse.objects.filter(code=params.warehouse).exists():
            raise InvalidParameter("warehouse", f"unknown warehouse '{params.warehouse}'")
        found = found.filter(warehouse__code=params.warehouse)
    page = found[params.offset : params.offset + params.limit]
    return AdminStockPage(
        total=found.count(),
        limit=params.limit,
        offset=params.offset,
        items=[_stock_out(stock) for stock in page],
    )


@router.post(
    "/stock/adjustments",
    response={201: AdminStockOut, **DENIED, 400: Message, 422: ValidationErrors},
    operation_id="adminAdjustStock",
)
def adjust_stock(request: HttpRequest, body: AdminAdjustmentIn) -> Created[AdminStockOut]:
    """Correct a count (``adjustment``) or book a delivery (``restock``); units reserved
    for orders cannot be removed."""
    require(request, CHANGE_STOCK)
    variant_id = Variant.objects.filter(sku=body.sku).values_list("pk", flat=True).first()
    if variant_id is None:
        raise InvalidParameter("sku", f"no variant has the SKU '{body.sku}'", source="body")
    warehouse = _warehouse(body.warehouse)
    names = {"variant": "sku", "quantity": "delta", "reason": "reason"}
    try:
        if body.reason == "restock":
            inventory.restock(
                variant_id, warehouse.pk, body.delta, reason="restock", note=body.note.strip()
            )
        else:
            inventory.adjust(variant_id, warehouse.pk, body.delta, note=body.note)
    except DjangoValidationError as exc:
        raise _refused(exc, names=names) from exc
    stock = Stock.objects.select_related("variant", "warehouse").get(
        variant_id=variant_id, warehouse=warehouse
    )
    return Created(201, _stock_out(stock))
