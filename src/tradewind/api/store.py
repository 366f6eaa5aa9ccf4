"""The store API: what shoppers (and storefronts, apps, feeds) read. Public and read-only.

Prices are given in a market: pass ``market`` (a code from ``/api/markets``) or ``country``
(the shopper's ISO country, mapped to the market that sells there). Text comes in
``language`` when a translation exists, else in the market's default language, else in the
store's; every product says which language it was served in.

A variant whose price cannot be computed (the store lacks an exchange rate for its
currency) is listed with ``price: null`` and a ``price_error`` rather than failing the
whole request: the rest of the catalogue stays browsable while staff add the rate.
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import Field

from tradewind.api import schemas, services
from tradewind.api.errors import InvalidParameter, Message, ValidationErrors

router = Router(tags=["store"])

SLUG = r"^[-a-zA-Z0-9_]+$"
# Free text may hold anything a shopper types, except NUL which no database stores.
TEXT = r"^[^\x00]*$"
MAX_PAGE = 100
# Far beyond any catalogue, and within every database's integer range.
MAX_OFFSET = 1_000_000

ERRORS_422 = {422: ValidationErrors}
ERRORS_404_422 = {404: Message, 422: ValidationErrors}

MarketCode = Annotated[str, Path(pattern=SLUG, max_length=32, examples=["eu"])]
Handle = Annotated[str, Path(pattern=SLUG, max_length=200, examples=["linen-shirt"])]


class LanguageQuery(Schema):
    language: str | None = Field(
        None,
        max_length=10,
        description="A store language code, e.g. 'de'; defaults to the market's (or store's).",
        examples=["en"],
    )


class ShopperQuery(LanguageQuery):
    market: str | None = Field(
        None,
        pattern=SLUG,
        max_length=32,
        description="Market code; required unless 'country' is given.",
        examples=["eu"],
    )
    country: str | None = Field(
        None,
        pattern=r"^[A-Za-z]{2}$",
        description="The shopper's ISO 3166-1 alpha-2 country: selects its market.",
        examples=["DE"],
    )


class ProductQuery(ShopperQuery):
    category: str | None = Field(
        None, pattern=SLUG, max_length=120, description="Category slug; includes subcategories."
    )
    q: str | None = Field(
        None,
        pattern=TEXT,
        max_length=200,
        description="Search text: the best 500 matches, best first.",
    )
    limit: int = Field(20, ge=1, le=MAX_PAGE, description=f"Page size, 1 to {MAX_PAGE}.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Products to skip.")


def single_values(request: HttpRequest) -> None:
    """Every parameter here takes one value: ``?market=eu&market=us`` is an error, not a
    silent pick of the last."""
    for name, values in request.GET.lists():
        if len(values) > 1:
            raise InvalidParameter(name, f"give one value, not {len(values)}")


@router.get("/markets", response=list[schemas.MarketOut], operation_id="listMarkets")
def list_markets(request: HttpRequest) -> list[schemas.MarketOut]:
    """Every market the store sells in, with its currency, languages and rules."""
    return services.list_markets()


@router.get(
    "/markets/{code}",
    response={200: schemas.MarketOut, **ERRORS_404_422},
    operation_id="getMarket",
)
def get_market(request: HttpRequest, code: MarketCode) -> schemas.MarketOut:
    """One market by its code."""
    return services.get_market(code)


@router.get(
    "/categories",
    response={200: schemas.CategoryList, **ERRORS_422},
    operation_id="listCategories",
)
def list_categories(request: HttpRequest, params: Query[LanguageQuery]) -> schemas.CategoryList:
    """The category tree, parents before children, names in the requested language."""
    single_values(request)
    return services.list_categories(params.language)


@router.get(
    "/products",
    response={200: schemas.ProductPage, **ERRORS_422},
    operation_id="listProducts",
)
def list_products(request: HttpRequest, params: Query[ProductQuery]) -> schemas.ProductPage:
    """Products for sale in a market, with prices in its currency, a page at a time."""
    single_values(request)
    shopper = services.resolve_shopper(params.market, params.country, params.language)
    return services.product_page(
        shopper, category=params.category, query=params.q, limit=params.limit, offset=params.offset
    )


@router.get(
    "/products/{handle}",
    response={200: schemas.ProductDetail, **ERRORS_404_422},
    operation_id="getProduct",
)
def get_product(
    request: HttpRequest, handle: Handle, params: Query[ShopperQuery]
) -> schemas.ProductDetail:
    """One product for sale in a market; 404 if unknown or not published there."""
    single_values(request)
    shopper = services.resolve_shopper(params.market, params.country, params.language)
    return services.product_detail(shopper, handle)
