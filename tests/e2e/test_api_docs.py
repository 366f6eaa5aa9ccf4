"""A developer opens the API docs in a browser on an offline install."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, Request, expect

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_render_every_store_operation_without_leaving_the_server(
    page: Page, live_server
) -> None:
    requested: list[str] = []

    def remember(request: Request) -> None:
        requested.append(request.url)

    page.on("request", remember)
    page.goto(f"{live_server.url}/api/docs")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Tradewind API")
    expect(page.locator(".opblock-summary-path", has_text="/api/products")).not_to_have_count(0)
    shot(page, "api-docs")
    own_host = urlparse(live_server.url).netloc
    assert {urlparse(url).netloc for url in requested} == {own_host}
