"""``tradewind demo``: build the demo store from a terminal and print how to log in."""

import pytest
from django.contrib.auth import authenticate

from tradewind.catalog.models import Product
from tradewind.cli import main

pytestmark = pytest.mark.django_db

PASSWORD = "salt-and-cod-1887"


def demo(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["demo", "--no-serve", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_demo_builds_the_store_and_prints_the_staff_login_and_urls(capsys) -> None:
    code, out, _ = demo(capsys, "--products", "10", "--owner-password", PASSWORD, "--port", "8105")

    assert code == 0
    assert Product.objects.count() == 10
    assert "Products: 10 with" in out
    assert "Staff login: owner@demo.tradewind.dev" in out
    assert "Admin: http://127.0.0.1:8105/admin/" in out
    assert "API docs: http://127.0.0.1:8105/api/docs" in out
    owner = authenticate(username="owner@demo.tradewind.dev", password=PASSWORD)
    assert owner is not None and owner.is_superuser


def test_a_generated_owner_password_is_printed_once_and_works(capsys) -> None:
    _, out, _ = demo(capsys, "--products", "3")

    password = out.split("Staff login: owner@demo.tradewind.dev / ")[1].split()[0]
    assert authenticate(username="owner@demo.tradewind.dev", password=password) is not None

    code, out, _ = demo(capsys, "--products", "3")

    assert code == 0
    assert "already loaded" in out
    assert password not in out
    assert "existing owner account" in out


def test_an_impossible_product_count_is_one_clear_line(capsys) -> None:
    code, _, err = demo(capsys, "--products", "0")

    assert code == 2
    assert err.strip() == "tradewind: error: --products must be between 1 and 1000, not 0."
    assert not Product.objects.exists()
