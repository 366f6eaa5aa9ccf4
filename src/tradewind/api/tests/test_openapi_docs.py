"""The OpenAPI document and the interactive docs page, which must work with no internet."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders


class AssetLinks(HTMLParser):
    """Every script and stylesheet a page loads."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and found.get("src"):
            self.urls.append(found["src"] or "")
        if tag == "link" and found.get("href"):
            self.urls.append(found["href"] or "")


def test_the_openapi_document_describes_the_store_api(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert {"/api/markets", "/api/categories", "/api/products", "/api/products/{handle}"} <= set(
        document["paths"]
    )
    listing = document["paths"]["/api/products"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"market", "language", "q", "limit"}
    assert set(listing["responses"]) == {"200", "422"}


def test_the_docs_page_loads_only_bundled_assets(client):
    response = client.get("/api/docs")

    assert response.status_code == 200
    page = AssetLinks()
    page.feed(response.content.decode())
    assert any(url.endswith(".js") for url in page.urls)
    assert any(url.endswith(".css") for url in page.urls)
    for url in page.urls:
        parts = urlsplit(url)
        assert not parts.netloc, f"{url} is loaded from another host"
        assert parts.path.startswith(f"/{settings.STATIC_URL.strip('/')}/"), url
        # The file ships with the installed apps, so collectstatic serves it locally.
        relative = parts.path.removeprefix(f"/{settings.STATIC_URL.strip('/')}/")
        assert finders.find(relative), f"{relative} is not a bundled static file"
    assert "/api/openapi.json" in response.content.decode()
