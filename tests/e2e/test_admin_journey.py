"""A store owner sets up selling abroad in the admin, in a real browser, and the store API
then prices the product in every market."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from tradewind.markets.models import Market, MarketCountry
from tradewind.markets.services import import_ecb_rates

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Owner-pass-2026"
# Rates a day old, in the ECB's own file format, as `tradewind fx import` reads them.
ECB_FILE = b"""<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01"
    xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <Cube><Cube time="2026-11-20">
    <Cube currency="USD" rate="1.1000"/>
    <Cube currency="GBP" rate="0.8500"/>
  </Cube></Cube>
</gesmes:Envelope>"""


@pytest.fixture
def store(live_server) -> str:
    get_user_model().objects.create_superuser(
        "owner@brand.example", "owner@brand.example", PASSWORD
    )
    import_ecb_rates(ECB_FILE)
    eu = Market.objects.create(
        code="eu",
        name="Europe",
        currency="EUR",
        default_language="de",
        subfolder="de-de",
        statutory_return_days=14,
    )
    MarketCountry.objects.create(market=eu, country="DE")
    return str(live_server.url)


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", "owner@brand.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_contain_text("Tradewind")


def fill_market(
    page: Page, base: str, *, code: str, name: str, currency: str, country: str
) -> None:
    page.goto(f"{base}/admin/markets/market/add/")
    page.fill("input[name=code]", code)
    page.fill("input[name=name]", name)
    page.fill("input[name=currency]", currency)
    page.select_option("select[name=default_language]", "en")
    page.fill("input[name=subfolder]", f"en-{country.lower()}")
    page.check("input[name=payment_methods][value=card]")
    page.select_option("select[name=countries-0-country]", country)


def api_json(page: Page, url: str) -> dict:
    response = page.goto(url)
    assert response is not None
    return {"status": response.status, **json.loads(page.locator("body").inner_text())}


def test_owner_creates_markets_and_a_product_then_sees_its_price_everywhere(
    page: Page, store: str
) -> None:
    log_in(page, store)

    # A market whose currency has no exchange rate is refused at the currency field.
    fill_market(page, store, code="jp", name="Japan", currency="JPY", country="JP")
    page.click("input[name=_save]")
    expect(page.locator(".field-currency .errorlist")).to_contain_text("No FX rate for JPY")
    shot(page, "admin-market-missing-rate")
    assert not Market.objects.filter(code="jp").exists()

    # With a rate for the yen entered by hand, the same market saves.
    page.goto(f"{store}/admin/markets/fxrate/add/")
    page.fill("input[name=currency]", "JPY")
    page.fill("input[name=rate]", "172.50")
    page.fill("input[name=effective_at_0]", "2026-11-20")
    page.fill("input[name=effective_at_1]", "12:00:00")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    fill_market(page, store, code="jp", name="Japan", currency="JPY", country="JP")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    fill_market(page, store, code="us", name="United States", currency="USD", country="US")
    page.select_option("select[name=tax_display]", "exclusive")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    shot(page, "admin-markets")

    # The product, with one variant priced in euros, published in all three markets.
    # Option names and values are typed as plain text, not JSON.
    page.goto(f"{store}/admin/catalog/product/add/")
    page.fill("input[name=handle]", "trail-tee")
    page.fill("input[name=name]", "Trail Tee")
    page.select_option("select[name=status]", "active")
    page.fill("input[name=tags]", "Summer, Linen")
    page.fill("input[name=option_names]", "Size")
    page.fill("input[name=hs_code]", "610910")
    page.locator("#variants-group .add-row a").click()
    page.fill("input[name=variants-0-sku]", "TRAIL-TEE-M")
    page.fill("input[name=variants-0-options]", "M")
    page.fill("input[name=variants-0-price_amount]", "25.00")
    for index, market in enumerate(["Europe (EUR)", "Japan (JPY)", "United States (USD)"]):
        page.locator("#publications-group .add-row a").click()
        page.select_option(f"select[name=publications-{index}-market]", label=market)
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    # The product page itself lists the price in every market.
    prices = page.get_by_role("group", name="Prices in every market")
    shot(page, "admin-product-prices")
    expect(prices).to_contain_text("JPY")
    # Saved and shown again, the fields read as they were typed.
    expect(page.locator("input[name=option_names]")).to_have_value("Size")
    expect(page.locator("input[name=tags]")).to_have_value("Summer, Linen")
    expect(page.locator("input[name=variants-0-options]")).to_have_value("M")

    # The store API prices it in each market's currency with the market's rounding.
    # EUR is the base currency: the typed price stands. 25 x 1.10 = 27.50 -> 27.99 USD;
    # 25 x 172.50 = 4,312.5 -> 4,320 JPY (yen prices step by 10).
    expected = {"eu": ("25.00", "EUR"), "us": ("27.99", "USD"), "jp": ("4320", "JPY")}
    for code, (amount, currency) in expected.items():
        body = api_json(page, f"{store}/api/products/trail-tee?market={code}")
        assert body["status"] == 200, body
        variant = body.get("product", body)["variants"][0]
        price = variant["price"]
        assert (Decimal(price["amount"]), price["currency"]) == (Decimal(amount), currency)
        assert variant["options"] == {"Size": "M"}

    # An unknown market is a client error that names the field.
    body = api_json(page, f"{store}/api/products/trail-tee?market=mars")
    assert body["status"] == 422
    assert body["detail"][0]["loc"][-1] == "market"
