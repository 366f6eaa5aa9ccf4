"""The demo catalog plan: a believable, deterministic catalog before anything is stored."""

import unicodedata
from decimal import Decimal

import pytest
from stdnum import ean

from tradewind.demo.gtin import check_digit, gtin13, is_valid_gtin13
from tradewind.demo.kinds import KINDS
from tradewind.demo.markets import HERO_PRICES, MARKET_FACTS, MARKETS
from tradewind.demo.plan import MAX_PRODUCTS, MAX_VARIANTS, charm_price, plan_catalog, slugify
from tradewind.demo.words import LANGUAGES


def summary(plans):
    return [
        (
            p.handle,
            p.names,
            p.descriptions,
            p.status,
            p.origin,
            p.tags,
            sorted(p.collections),
            sorted(p.hidden_in),
            [(v.sku, v.barcode, v.options, v.price, v.compare_at) for v in p.variants],
        )
        for p in plans
    ]


@pytest.fixture(scope="module")
def plans():
    return plan_catalog(42, 200, MARKET_FACTS)


def test_the_same_seed_plans_the_same_catalog(plans) -> None:
    assert summary(plan_catalog(42, 200, MARKET_FACTS)) == summary(plans)


def test_another_seed_plans_another_catalog(plans) -> None:
    other = plan_catalog(7, 200, MARKET_FACTS)

    assert {p.handle for p in other} != {p.handle for p in plans}
    assert {v.barcode for p in other for v in p.variants}.isdisjoint(
        {v.barcode for p in plans for v in p.variants}
    )


def test_a_smaller_catalog_starts_like_the_larger_one(plans) -> None:
    assert summary(plan_catalog(42, 20, MARKET_FACTS)) == summary(plans[:20])


def test_handles_skus_and_barcodes_are_unique(plans) -> None:
    variants = [v for p in plans for v in p.variants]

    assert len({p.handle for p in plans}) == len(plans)
    assert len({v.sku for v in variants}) == len(variants)
    assert len({v.barcode for v in variants}) == len(variants)


def test_barcodes_are_valid_gtin13_in_the_restricted_circulation_range(plans) -> None:
    for variant in (v for p in plans for v in p.variants):
        assert len(variant.barcode) == 13
        assert ean.is_valid(variant.barcode), variant.barcode
        assert variant.barcode.startswith("2")


def test_every_product_has_one_to_twelve_variants_matching_its_options(plans) -> None:
    counts = {len(p.variants) for p in plans}

    assert min(counts) >= 1
    assert max(counts) == MAX_VARIANTS
    for plan in plans:
        for variant in plan.variants:
            assert list(variant.options) == plan.option_names
            assert variant.price > 0
            assert variant.compare_at is None or variant.compare_at > variant.price


def test_the_catalog_spans_every_department(plans) -> None:
    roots = {"apparel", "footwear", "bags", "accessories", "outdoor"}
    parents = {
        "t-shirts": "apparel",
        "shirts": "apparel",
        "hoodies": "apparel",
        "knitwear": "apparel",
        "jackets": "apparel",
        "trousers": "apparel",
        "hats": "accessories",
        "scarves-gloves": "accessories",
        "socks": "accessories",
        "belts-wallets": "accessories",
        "sunglasses": "accessories",
        "drinkware": "outdoor",
        "camp-travel": "outdoor",
        "guides": "outdoor",
    }
    departments = {parents.get(p.kind.category, p.kind.category) for p in plans}

    assert departments == roots


@pytest.mark.parametrize(
    ("kind", "material", "hs_code"),
    [
        ("tee", "organic-cotton", "610910"),
        ("hoodie", "organic-cotton", "611020"),
        ("sweater", "merino", "611011"),
        ("sweater", "cashmere", "611012"),
        ("sneakers", "canvas", "640411"),
        ("backpack", "canvas", "420292"),
        ("beanie", "merino", "650500"),
        ("guidebook", "paper", "490199"),
    ],
)
def test_hs_codes_follow_the_kind_and_material(kind, material, hs_code) -> None:
    assert next(k for k in KINDS if k.key == kind).hs_by_material[material] == hs_code


def test_every_hs_code_is_a_six_digit_subheading() -> None:
    for kind in KINDS:
        for code in kind.hs_by_material.values():
            assert len(code) == 6 and code.isdigit(), (kind.key, code)


def test_names_and_descriptions_exist_in_every_store_language(plans) -> None:
    for plan in plans:
        assert set(plan.names) == set(LANGUAGES)
        assert all(plan.names[lang].strip() for lang in LANGUAGES)
        assert all(plan.descriptions[lang].strip() for lang in LANGUAGES)
        assert plan.names["de"] != plan.names["en"]


def script_of(text: str) -> set[str]:
    return {unicodedata.name(c).split()[0] for c in text if c.isalpha()}


def test_japanese_and_arabic_names_are_written_in_their_own_scripts(plans) -> None:
    for plan in plans:
        assert script_of(plan.names["ja"]) & {"KATAKANA", "HIRAGANA", "CJK"}, plan.names["ja"]
        assert script_of(plan.names["ar"]) == {"ARABIC"}, plan.names["ar"]


def test_names_follow_each_languages_word_order(plans) -> None:
    hero = plans[0]

    assert hero.names["en"] == "Porto Organic Cotton Tee"
    assert hero.names["de"] == "Porto Bio-Baumwoll-T-Shirt"
    assert hero.names["fr"] == "T-shirt en coton bio Porto"
    assert hero.names["es"] == "Camiseta de algodón orgánico Porto"
    assert hero.names["ja"] == "ポルト オーガニックコットン Tシャツ"
    assert hero.names["ar"] == "تيشيرت بورتو من القطن العضوي"


def test_descriptions_name_the_material_and_origin_in_the_language(plans) -> None:
    hero = plans[0]

    assert "Material: Organic cotton" in hero.descriptions["en"]
    assert "Country of origin: Portugal" in hero.descriptions["en"]
    assert "Herkunftsland: Portugal" in hero.descriptions["de"]
    assert "原産国：ポルトガル" in hero.descriptions["ja"]  # noqa: RUF001
    assert "بلد المنشأ: البرتغال" in hero.descriptions["ar"]


def test_the_hero_is_active_everywhere_with_fixed_local_prices(plans) -> None:
    hero = plans[0]

    assert hero.status == "active"
    assert not hero.hidden_in
    assert hero.overrides == HERO_PRICES
    assert HERO_PRICES["jp"] == Decimal("4900")
    assert HERO_PRICES["us"] == Decimal("29.00")
    assert "bestsellers" in hero.collections


def test_cold_weather_products_are_not_offered_in_warm_markets(plans) -> None:
    warm = {m.code for m in MARKETS if m.warm}
    cold = [p for p in plans if p.kind.cold_weather and p.is_active]

    assert cold
    for plan in cold:
        assert warm <= plan.hidden_in


def test_most_products_are_active_and_published_in_most_markets(plans) -> None:
    active = [p for p in plans if p.is_active]
    everywhere = [p for p in active if not p.hidden_in]

    assert len(active) > 0.9 * len(plans)
    assert len(active) < len(plans)
    assert len(everywhere) > 0.6 * len(active)


def test_the_number_of_products_is_bounded() -> None:
    with pytest.raises(ValueError, match="between 1 and"):
        plan_catalog(1, 0, MARKET_FACTS)
    with pytest.raises(ValueError, match="between 1 and"):
        plan_catalog(1, MAX_PRODUCTS + 1, MARKET_FACTS)


def test_the_largest_catalog_still_has_unique_names() -> None:
    plans = plan_catalog(3, MAX_PRODUCTS, MARKET_FACTS)

    assert len({p.names["en"] for p in plans}) == MAX_PRODUCTS


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("57.30", "57.95"), ("57.95", "57.95"), ("57.96", "58.95"), ("0.10", "0.95")],
)
def test_charm_prices_end_in_95(amount, expected) -> None:
    assert charm_price(Decimal(amount)) == Decimal(expected)


def test_slugs_are_plain_ascii() -> None:
    assert slugify("Nazaré Merino-Kapuzenpullover") == "nazare-merino-kapuzenpullover"


def test_gtin13_check_digits_match_the_gs1_algorithm() -> None:
    assert check_digit("400638133393") == "1"
    for body in ("200000000001", "560123456789", "871234567890", "299999999999"):
        assert gtin13(body) == body + ean.calc_check_digit(body)
        assert is_valid_gtin13(gtin13(body))
    assert not is_valid_gtin13("4006381333932")
    with pytest.raises(ValueError, match="12 digits"):
        check_digit("12345")
