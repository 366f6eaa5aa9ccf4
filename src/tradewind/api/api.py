"""The HTTP API: OpenAPI document at /api/openapi.json, interactive docs at /api/docs.

The docs page loads Swagger UI from django-ninja's bundled static files (``ninja`` is an
installed app), never from a CDN, so it works on an offline or self-hosted install.
"""

from ninja import NinjaAPI

from tradewind.api import account, admin_api, checkout, errors, store, webhooks

api = NinjaAPI(
    title="Tradewind API",
    version="1",
    description=(
        "Read the store as a shopper sees it: markets, categories, and products with prices "
        "in a market's currency and text in the shopper's language."
    ),
    docs_url="/docs",
)
errors.install(api)
api.add_router("/", store.router)
api.add_router("/admin/", admin_api.router)
api.add_router("/", webhooks.router)
api.add_router("/", checkout.router)
api.add_router("/", account.router)
