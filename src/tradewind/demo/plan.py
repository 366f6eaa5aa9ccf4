"""The demo catalog as plain data, drawn from one seeded random generator (pure: no Django).

Everything that varies (which products, their colours, sizes, prices, barcodes, markets)
comes from ``random.Random(seed)`` in a fixed order, so the same seed always plans the same
catalog and the database layer only has to store it.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from itertools import product

from babel import Locale

from tradewind.demo.gtin import gtin13
from tradewind.demo.kinds import KINDS, KINDS_BY_KEY, MATERIAL_PRICE_FACTOR, Kind
from tradewind.demo.words import (
    BRAND_COUNTRY,
    COLOURS,
    HERO_LINE,
    LANGUAGES,
    LINES,
    MATERIAL_LINE,
    MATERIALS,
    NAME_PLAIN,
    NAME_WITH_MATERIAL,
    ORIGIN_LINE,
    PITCHES,
    Colour,
    Line,
    SizeChart,
)

SKU_PREFIX = "RSC"
MAX_VARIANTS = 12
MAX_PRODUCTS = 1000
# GS1 prefixes 200-299 are for restricted circulation: valid GTIN-13s that can never clash
# with a real product's barcode in a feed or a marketplace.
GTIN_RESTRICTED_PREFIX = "2"
# The line whose place name no pitch may mention (guidebooks belong to no line).
LINE_PITCH = 2
HERO_PRICE = Decimal("29.95")


@dataclass(frozen=True)
class VariantPlan:
    sku: str
    barcode: str
    options: dict[str, str]
    price: Decimal
    compare_at: Decimal | None
    weight_grams: int
    colour: Colour | None
    position: int


@dataclass(frozen=True)
class ImagePlan:
    file_name: str
    colour: Colour
    shape: str
    label: str  # a short word printed on the image
    alt: str
    variant_sku: str | None
    position: int


@dataclass
class ProductPlan:
    number: int
    handle: str
    kind: Kind
    material: str
    names: dict[str, str]
    descriptions: dict[str, str]
    status: str
    origin: str
    hs_code: str
    tags: list[str]
    option_names: list[str]
    variants: list[VariantPlan]
    images: list[ImagePlan] = field(default_factory=list)
    collections: set[str] = field(default_factory=set)
    hidden_in: set[str] = field(default_factory=set)
    overrides: dict[str, Decimal] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.names["en"]

    @property
    def is_active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class MarketFacts:
    """What the catalog plan needs to know about the markets it publishes to."""

    codes: Sequence[str]
    warm: frozenset[str]  # markets where cold-weather kinds are not offered
    hero_prices: Mapping[str, Decimal]  # fixed prices of the hero product, per market


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_text.lower()).split()
    return "-".join(words)


def charm_price(amount: Decimal) -> Decimal:
    """The next price ending in .95 at or above ``amount``: 57.3 -> 57.95."""
    whole = (amount - Decimal("0.95")).to_integral_value(rounding=ROUND_CEILING)
    return whole + Decimal("0.95")


def centred_window(chart: SizeChart, length: int) -> SizeChart:
    if length >= len(chart):
        return chart
    start = (len(chart) - length) // 2
    return chart[start : start + length]


class _Planner:
    def __init__(self, seed: int, markets: MarketFacts) -> None:
        self.rng = random.Random(seed)
        self.markets = markets
        self.gtin_block = self.rng.randrange(10000, 100000)
        self.gtin_count = 0
        self.used: set[tuple[str, str, str]] = set()
        self.titles_used: dict[str, int] = {}

    def barcode(self) -> str:
        self.gtin_count += 1
        return gtin13(f"{GTIN_RESTRICTED_PREFIX}{self.gtin_block:05d}{self.gtin_count:06d}")

    def pick(self) -> tuple[Kind, str, Line | None, int | None]:
        """A kind, material and line (or a guidebook title) not planned before."""
        kinds = list(KINDS)
        while kinds:
            kind = self.rng.choices(kinds, weights=[k.weight for k in kinds])[0]
            if kind.fixed_names:
                title = self.titles_used.get(kind.key, 0)
                if title < len(kind.fixed_names):
                    self.titles_used[kind.key] = title + 1
                    return kind, next(iter(kind.hs_by_material)), None, title
                kinds.remove(kind)
                continue
            free = [
                (material, line)
                for material in kind.hs_by_material
                for line in LINES
                if (kind.key, material, line.name) not in self.used
            ]
            if not free:
                kinds.remove(kind)
                continue
            material, line = self.rng.choice(free)
            self.used.add((kind.key, material, line.name))
            return kind, material, line, None
        raise ValueError("the word tables cannot name that many different products")

    def product(
        self,
        number: int,
        kind: Kind,
        material: str,
        line: Line | None,
        title: int | None,
        hero: bool = False,
    ) -> ProductPlan:
        rng = self.rng
        names = _names(kind, material, line, title)
        origin = BRAND_COUNTRY if hero else rng.choice(kind.origins)
        pitches = [i for i in range(len(PITCHES["en"])) if line is not None or i != LINE_PITCH]
        chosen = sorted(rng.sample(pitches, 2))
        descriptions = {
            lang: _description(lang, chosen, line, material, origin) for lang in LANGUAGES
        }
        roll = rng.random()
        status = "draft" if roll < 0.03 else "archived" if roll < 0.05 else "active"
        entry = Decimal(rng.choice(kind.prices)) * MATERIAL_PRICE_FACTOR.get(material, Decimal(1))
        price = charm_price(entry)
        compare_at = charm_price(price * Decimal("1.25")) if rng.random() < 0.08 else None
        if hero:
            status, price, compare_at = "active", HERO_PRICE, None
        colours = self._colours(kind)
        handle = slugify(names["en"])
        plan = ProductPlan(
            number=number,
            handle=handle,
            kind=kind,
            material=material,
            names=names,
            descriptions=descriptions,
            status=status,
            origin=origin,
            hs_code=kind.hs_by_material[material],
            tags=[],
            option_names=[],
            variants=[],
        )
        self._variants(plan, colours, price, compare_at)
        self._images(plan, colours, line)
        self._placement(plan)
        if hero:
            # the launch tee is offered everywhere, at fixed local prices in some markets
            plan.hidden_in.clear()
            plan.collections.add("bestsellers")
            plan.tags = sorted({*plan.tags, "bestseller", "hero"})
            plan.overrides = dict(self.markets.hero_prices)
        return plan

    def _colours(self, kind: Kind) -> list[Colour]:
        return self.rng.sample(COLOURS, self.rng.randint(1, kind.max_colours))

    def _variants(
        self,
        plan: ProductPlan,
        colours: Sequence[Colour],
        price: Decimal,
        compare_at: Decimal | None,
    ) -> None:
        kind = plan.kind
        chart = kind.sizes or ()
        sizes = centred_window(chart, MAX_VARIANTS // len(colours))
        if kind.fixed_names:
            plan.option_names = []
        else:
            plan.option_names = [kind.size_option, "Colour"] if sizes else ["Colour"]
        colour_axis: Sequence[Colour | None] = colours if plan.option_names else [None]
        size_axis: Sequence[tuple[str, str] | None] = sizes or [None]
        base_sku = f"{SKU_PREFIX}-{kind.code}-{plan.number:04d}"
        for position, (colour, size) in enumerate(product(colour_axis, size_axis)):
            options: dict[str, str] = {}
            codes = [base_sku]
            extra = Decimal(0)
            weight = Decimal(kind.weight_grams)
            if size is not None:
                options[kind.size_option] = size[0]
                rank = chart.index(size)
                if kind.size_option == "Capacity":
                    # a larger bottle or bag costs a little more and weighs more
                    extra = Decimal(5) * rank
                    weight *= 1 + Decimal("0.3") * rank
                else:
                    # larger garments take more cloth
                    weight *= Decimal("0.88") + Decimal("0.05") * rank
            if colour is not None:
                options["Colour"] = colour.name
                codes.append(colour.code)
            if size is not None:
                codes.append(size[1])
            plan.variants.append(
                VariantPlan(
                    sku="-".join(codes),
                    barcode=self.barcode(),
                    options=options,
                    price=price + extra,
                    compare_at=compare_at + extra if compare_at else None,
                    weight_grams=int(weight),
                    colour=colour,
                    position=position,
                )
            )

    def _images(self, plan: ProductPlan, colours: Sequence[Colour], line: Line | None) -> None:
        label = line.name if line else "Guide"
        for position, colour in enumerate(colours[:2]):
            first = next((v for v in plan.variants if v.colour == colour), None)
            plan.images.append(
                ImagePlan(
                    file_name=f"{plan.handle}-{position + 1}.jpg",
                    colour=colour,
                    shape=plan.kind.shape,
                    label=label,
                    alt=f"{plan.name} in {colour.name.lower()}" if plan.option_names else plan.name,
                    variant_sku=first.sku if first and position else None,
                    position=position,
                )
            )

    def _placement(self, plan: ProductPlan) -> None:
        """Tags, collections and the markets a product is kept out of."""
        rng = self.rng
        kind = plan.kind
        tags = {kind.key, plan.material, *kind.tags}
        if plan.origin == "PT":
            tags.add("made-in-portugal")
        if kind.cold_weather:
            tags.add("cold-weather")
        if plan.variants[0].compare_at:
            tags.add("sale")
        if plan.is_active:
            if rng.random() < 0.12:
                plan.collections.add("bestsellers")
                tags.add("bestseller")
            if rng.random() < 0.1:
                plan.collections.add("new-arrivals")
                tags.add("new")
            if "gift" in kind.tags and plan.variants[0].price <= 80:
                plan.collections.add("gift-ideas")
            if plan.origin == "PT":
                plan.collections.add("made-in-portugal")
            if "rain" in kind.tags:
                plan.collections.add("rain-ready")
            if kind.cold_weather:
                plan.hidden_in.update(self.markets.warm)
            # a few products wait for a market's compliance or translation review
            if rng.random() < 0.04:
                plan.hidden_in.add(rng.choice(list(self.markets.codes)))
        plan.tags = sorted(tags)


def _names(kind: Kind, material: str, line: Line | None, title: int | None) -> dict[str, str]:
    if title is not None:
        return dict(kind.fixed_names[title])
    assert line is not None
    words = MATERIALS[material].in_name
    names = {}
    for lang in LANGUAGES:
        template = NAME_WITH_MATERIAL[lang] if kind.material_in_name else NAME_PLAIN[lang]
        names[lang] = template.format(
            line=line.in_language(lang), material=words[lang], kind=kind.names[lang]
        )
    return names


def _description(
    language: str, pitches: Sequence[int], line: Line | None, material: str, origin: str
) -> str:
    line_name = line.in_language(language) if line else ""
    opening = " ".join(PITCHES[language][i].format(line=line_name) for i in pitches)
    country = Locale.parse(language).territories[origin]
    facts = (
        MATERIAL_LINE[language].format(value=MATERIALS[material].fabric[language]),
        ORIGIN_LINE[language].format(value=country),
    )
    return opening + "\n\n" + "\n".join(facts)


def plan_catalog(seed: int, count: int, markets: MarketFacts) -> list[ProductPlan]:
    """``count`` products; the first is the hero, the brand's best-known T-shirt."""
    if not 1 <= count <= MAX_PRODUCTS:
        raise ValueError(f"products must be between 1 and {MAX_PRODUCTS}, got {count}")
    planner = _Planner(seed, markets)
    hero_kind = KINDS_BY_KEY["tee"]
    products = [planner.product(1, hero_kind, "organic-cotton", HERO_LINE, None, hero=True)]
    for number in range(2, count + 1):
        products.append(planner.product(number, *planner.pick()))
    return products
