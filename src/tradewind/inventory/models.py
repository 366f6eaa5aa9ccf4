"""Warehouses, stock per variant and warehouse, which warehouses serve which market,
reservations held while a payment is in flight, and a ledger of every change to stock."""

from __future__ import annotations

from django.db import models

from tradewind.inventory.allocation import Strategy
from tradewind.markets.validators import validate_country


class Warehouse(models.Model):
    class Kind(models.TextChoices):
        CENTRAL = "central", "Central"
        REGIONAL = "regional", "Regional"
        FORWARD = "forward", "Forward"

    code = models.SlugField(max_length=32, unique=True, help_text="Short stable id, e.g. 'nl-ams'.")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CENTRAL)
    country = models.CharField(max_length=2, validators=[validate_country])
    city = models.CharField(max_length=120)
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    handling_days = models.PositiveSmallIntegerField(
        default=1, help_text="Working days from order to dispatch."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        super().clean()
        self.country = self.country.strip().upper()


class Stock(models.Model):
    variant = models.ForeignKey(
        "catalog.Variant", on_delete=models.PROTECT, related_name="stock_records"
    )
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stock")
    on_hand = models.PositiveIntegerField(default=0, help_text="Units physically in the warehouse.")
    allocated = models.PositiveIntegerField(
        default=0, help_text="Units reserved for orders and not yet shipped."
    )

    class Meta:
        verbose_name_plural = "stock"
        ordering = ["variant_id", "warehouse_id"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "warehouse"], name="stock_once"),
            models.CheckConstraint(condition=models.Q(on_hand__gte=0), name="stock_on_hand_gte_0"),
            models.CheckConstraint(
                condition=models.Q(allocated__gte=0), name="stock_allocated_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(allocated__lte=models.F("on_hand")),
                name="stock_allocated_lte_on_hand",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} @ {self.warehouse_id}: {self.available} free"

    @property
    def available(self) -> int:
        return self.on_hand - self.allocated


class MarketWarehouse(models.Model):
    """A warehouse shipping to a market; lower priority numbers are tried first."""

    market = models.ForeignKey(
        "markets.Market", on_delete=models.CASCADE, related_name="warehouse_links"
    )
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="market_links")
    priority = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["market_id", "priority", "warehouse_id"]
        constraints = [
            models.UniqueConstraint(fields=["market", "warehouse"], name="market_warehouse_once")
        ]

    def __str__(self) -> str:
        return f"{self.warehouse} → {self.market} (#{self.priority})"


class MarketAllocationPolicy(models.Model):
    """How a market picks among its warehouses; markets without one use priority order."""

    market = models.OneToOneField(
        "markets.Market", on_delete=models.CASCADE, related_name="allocation_policy"
    )
    strategy = models.CharField(
        max_length=20,
        choices=[(s.value, s.value.replace("_", " ").capitalize()) for s in Strategy],
        default=Strategy.PRIORITY.value,
    )

    class Meta:
        verbose_name_plural = "market allocation policies"

    def __str__(self) -> str:
        return f"{self.market}: {self.strategy}"


class Reservation(models.Model):
    class Status(models.TextChoices):
        HELD = "held", "Held"
        COMMITTED = "committed", "Committed"
        RELEASED = "released", "Released"

    reference = models.CharField(max_length=64, help_text="Order number or checkout token.")
    variant = models.ForeignKey(
        "catalog.Variant", on_delete=models.PROTECT, related_name="reservations"
    )
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [
            models.Index(fields=["reference", "status"]),
            models.Index(fields=["status", "expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="reservation_qty_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.quantity} x {self.variant_id} @ {self.warehouse_id}"


class StockMovement(models.Model):
    """One change to units on hand; the sum of deltas per stock row is its on_hand."""

    class Reason(models.TextChoices):
        RESTOCK = "restock", "Restock"
        SALE = "sale", "Sale"
        RETURN = "return", "Customer return"
        ADJUSTMENT = "adjustment", "Count adjustment"

    variant = models.ForeignKey(
        "catalog.Variant", on_delete=models.PROTECT, related_name="stock_movements"
    )
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="movements")
    delta = models.IntegerField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    reference = models.CharField(max_length=64, blank=True)
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["variant", "warehouse", "at"])]

    def __str__(self) -> str:
        return f"{self.delta:+d} {self.variant_id} @ {self.warehouse_id} ({self.reason})"
