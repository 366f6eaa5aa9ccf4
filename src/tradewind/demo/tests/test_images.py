"""Demo product pictures: small, deterministic JPEGs with a silhouette per kind."""

import io

import pytest
from PIL import Image

from tradewind.demo.images import SHAPES, SIZE, render
from tradewind.demo.kinds import KINDS
from tradewind.demo.plan import ImagePlan
from tradewind.demo.words import COLOURS


def picture(shape: str = "hoodie", colour: int = 0, label: str = "Douro") -> ImagePlan:
    return ImagePlan("x.jpg", COLOURS[colour], shape, label, "alt", None, 0)


def test_every_kind_has_a_silhouette() -> None:
    assert {k.shape for k in KINDS} <= set(SHAPES)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_picture_is_a_small_square_jpeg(shape) -> None:
    data = render(picture(shape))

    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert image.size == (SIZE, SIZE)
    assert len(data) < 60_000


def test_the_same_plan_draws_the_same_bytes() -> None:
    assert render(picture()) == render(picture())


def test_the_colour_label_and_shape_change_the_picture() -> None:
    base = render(picture())

    assert render(picture(colour=5)) != base
    assert render(picture(label="Sintra")) != base
    assert render(picture(shape="tee")) != base


def test_the_product_is_drawn_in_its_colour() -> None:
    terracotta = next(i for i, c in enumerate(COLOURS) if c.name == "Terracotta")
    with Image.open(io.BytesIO(render(picture("tote", terracotta)))) as image:
        centre = image.convert("RGB").getpixel((SIZE // 2, SIZE // 2))

    assert isinstance(centre, tuple)

    assert all(abs(a - b) < 12 for a, b in zip(centre, COLOURS[terracotta].rgb, strict=True))


def test_accented_place_names_are_printed_without_missing_glyphs() -> None:
    assert render(picture(label="Nazaré")) == render(picture(label="Nazare"))
