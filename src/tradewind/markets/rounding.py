"""Price rounding rules per currency (pure: no Django).

Shoppers trust prices that look local: 24.99 EUR, 2,990 JPY, 149,000 IDR. A converted
price is rounded *up* (never below the converted value, so margin is kept) to the next
price of the form ``n * increment + ending``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from tradewind.core.money import minor_unit

# Default charm endings by currency, as storefronts in those markets commonly price.
DEFAULT_RULES: dict[str, tuple[str, str]] = {
    # currency: (increment, ending)
    "EUR": ("1", "0.99"),
    "USD": ("1", "0.99"),
    "GBP": ("1", "0.99"),
    "CHF": ("1", "0.95"),  # Swiss prices end in 5 Rappen steps; .95 is the local charm price
    "AUD": ("1", "0.95"),
    "NZD": ("1", "0.99"),
    "CAD": ("1", "0.99"),
    "SGD": ("1", "0.90"),
    "JPY": ("10", "0"),
    "KRW": ("100", "0"),
    "IDR": ("1000", "0"),
    "VND": ("1000", "0"),
}


class RoundingError(ValueError):
    """The rule cannot produce a price (e.g. an ending not smaller than the step)."""


@dataclass(frozen=True)
class RoundingRule:
    increment: Decimal
    ending: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if self.increment <= 0:
            raise RoundingError("rounding increment must be positive")
        if not (0 <= self.ending < self.increment):
            raise RoundingError("price ending must be at least 0 and below the increment")


def default_rule(currency: str) -> RoundingRule:
    code = currency.upper()
    if code in DEFAULT_RULES:
        increment, ending = DEFAULT_RULES[code]
        return RoundingRule(Decimal(increment), Decimal(ending))
    return RoundingRule(minor_unit(code))


def rule_for(
    currency: str, increment: Decimal | None = None, ending: Decimal | None = None
) -> RoundingRule:
    """The market's own rule where it sets one, else the currency's default.

    A market setting only a step gets no charm ending; one setting only an ending keeps
    the currency's default step.
    """
    if increment is None and ending is None:
        return default_rule(currency)
    chosen_increment = increment if increment is not None else default_rule(currency).increment
    return RoundingRule(chosen_increment, ending if ending is not None else Decimal(0))


def check_rule_fits(rule: RoundingRule, currency: str) -> None:
    """Refuse a rule finer than the currency's smallest unit (e.g. 0.5 steps in JPY).

    Such a rule would need a final rounding that leaves the ``n * increment + ending`` grid.
    """
    unit = minor_unit(currency)
    for name, value in (("increment", rule.increment), ("ending", rule.ending)):
        if value % unit:
            raise RoundingError(
                f"the {name} {value} is finer than the smallest {currency.upper()} unit ({unit})"
            )


def round_price(amount: Decimal, currency: str, rule: RoundingRule) -> Decimal:
    """Round ``amount`` up to the next ``n * increment + ending``, in the currency's precision.

    >>> round_price(Decimal("23.41"), "EUR", RoundingRule(Decimal(1), Decimal("0.99")))
    Decimal('23.99')
    >>> round_price(Decimal("1234.5"), "JPY", RoundingRule(Decimal(10)))
    Decimal('1240')
    """
    if amount < 0:
        raise RoundingError("a price cannot be negative")
    check_rule_fits(rule, currency)
    steps = ((amount - rule.ending) / rule.increment).to_integral_value(rounding=ROUND_FLOOR)
    candidate = steps * rule.increment + rule.ending
    if candidate < amount:
        candidate += rule.increment
    return candidate.quantize(minor_unit(currency))
