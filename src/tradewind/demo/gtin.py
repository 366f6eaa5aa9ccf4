"""GTIN-13 (EAN-13) numbers (pure: no Django)."""

from __future__ import annotations


def check_digit(body: str) -> str:
    """The GS1 check digit of the first 12 digits of a GTIN-13.

    Weights alternate 1 and 3 from the left; the digit brings the sum to a multiple of 10.

    >>> check_digit("400638133393")
    '1'
    """
    if len(body) != 12 or not body.isdigit():
        raise ValueError(f"a GTIN-13 body has 12 digits, got {body!r}")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return str(-total % 10)


def gtin13(body: str) -> str:
    return body + check_digit(body)


def is_valid_gtin13(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and check_digit(code[:12]) == code[12]
