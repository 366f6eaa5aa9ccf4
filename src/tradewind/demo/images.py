"""Product pictures for the demo: a flat silhouette of the product on a tinted background,
drawn with Pillow (pure: no Django).

Shapes are drawn at twice the size and averaged down, which smooths their edges. The same
plan always gives the same bytes with the same Pillow version.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Sequence

from PIL import Image, ImageDraw, ImageFont

from tradewind.demo.plan import ImagePlan
from tradewind.demo.words import BRAND

SIZE = 600
SCALE = 2  # supersampling factor
PAPER = (244, 241, 234)
INK = (40, 40, 44)

RGB = tuple[int, int, int]
Point = tuple[float, float]


def _mix(a: RGB, b: RGB, share_of_b: float) -> RGB:
    r, g, bl = (round(x + (y - x) * share_of_b) for x, y in zip(a, b, strict=True))
    return (r, g, bl)


class _Pen:
    """Draws in a 100 x 100 unit square mapped onto the picture."""

    def __init__(
        self, draw: ImageDraw.ImageDraw, fill: RGB, line: RGB, origin: Point, side: float
    ) -> None:
        self.draw = draw
        self.fill = fill
        self.line = line
        self.origin = origin
        self.unit = side / 100
        self.width = max(2, round(self.unit * 0.6))

    def pt(self, points: Sequence[Point]) -> list[tuple[float, float]]:
        ox, oy = self.origin
        return [(ox + x * self.unit, oy + y * self.unit) for x, y in points]

    def box(self, x0: float, y0: float, x1: float, y1: float) -> list[float]:
        (a, b), (c, d) = self.pt([(x0, y0), (x1, y1)])
        return [a, b, c, d]

    def poly(self, points: Sequence[Point], fill: RGB | None = None) -> None:
        self.draw.polygon(
            self.pt(points), fill=fill or self.fill, outline=self.line, width=self.width
        )

    def rect(
        self, x0: float, y0: float, x1: float, y1: float, r: float = 2, fill: RGB | None = None
    ) -> None:
        self.draw.rounded_rectangle(
            self.box(x0, y0, x1, y1),
            radius=r * self.unit,
            fill=fill or self.fill,
            outline=self.line,
            width=self.width,
        )

    def ellipse(self, x0: float, y0: float, x1: float, y1: float, fill: RGB | None = None) -> None:
        self.draw.ellipse(
            self.box(x0, y0, x1, y1), fill=fill or self.fill, outline=self.line, width=self.width
        )

    def chord(self, x0: float, y0: float, x1: float, y1: float, start: int, end: int) -> None:
        self.draw.chord(
            self.box(x0, y0, x1, y1),
            start,
            end,
            fill=self.fill,
            outline=self.line,
            width=self.width,
        )

    def arc(self, x0: float, y0: float, x1: float, y1: float, start: int, end: int) -> None:
        self.draw.arc(self.box(x0, y0, x1, y1), start, end, fill=self.line, width=self.width * 2)

    def line_(self, points: Sequence[Point], width: float = 1) -> None:
        self.draw.line(self.pt(points), fill=self.line, width=round(self.width * width))

    def dots(self, points: Sequence[Point], r: float = 0.9) -> None:
        for x, y in points:
            self.draw.ellipse(self.box(x - r, y - r, x + r, y + r), fill=self.line)


def _top(pen: _Pen, long_sleeves: bool) -> None:
    sleeve = [(10, 72), (19, 74), (30, 42)] if long_sleeves else [(12, 40), (21, 48), (30, 42)]
    right = [(100 - x, y) for x, y in reversed(sleeve)]
    pen.poly(
        [
            (40, 18),
            (28, 22),
            *sleeve,
            (30, 86),
            (70, 86),
            *right,
            (72, 22),
            (60, 18),
            (50, 25),
        ]
    )


def _tee(pen: _Pen) -> None:
    _top(pen, long_sleeves=False)


def _longsleeve(pen: _Pen) -> None:
    _top(pen, long_sleeves=True)
    pen.line_([(11, 69), (20, 71)])
    pen.line_([(89, 69), (80, 71)])


def _polo(pen: _Pen) -> None:
    _top(pen, long_sleeves=False)
    pen.poly([(40, 18), (50, 25), (44, 31)])
    pen.poly([(60, 18), (50, 25), (56, 31)])
    pen.dots([(50, 30), (50, 36)])


def _shirt(pen: _Pen) -> None:
    _top(pen, long_sleeves=True)
    pen.poly([(40, 18), (50, 26), (43, 32)])
    pen.poly([(60, 18), (50, 26), (57, 32)])
    pen.line_([(50, 26), (50, 86)])
    pen.dots([(53, y) for y in (36, 48, 60, 72)])
    pen.rect(56, 36, 65, 46, r=1)


def _hoodie(pen: _Pen) -> None:
    pen.ellipse(36, 6, 64, 30)
    _top(pen, long_sleeves=True)
    pen.rect(36, 60, 64, 76, r=3)
    pen.line_([(46, 25), (45, 42)])
    pen.line_([(54, 25), (55, 42)])


def _sweater(pen: _Pen) -> None:
    _top(pen, long_sleeves=True)
    pen.line_([(30, 80), (70, 80)])
    pen.line_([(11, 68), (20, 70)])
    pen.line_([(89, 68), (80, 70)])
    pen.arc(40, 12, 60, 30, 0, 180)


def _cardigan(pen: _Pen) -> None:
    _sweater(pen)
    pen.line_([(50, 25), (50, 86)])
    pen.dots([(53, y) for y in (38, 50, 62, 74)])


def _jacket(pen: _Pen) -> None:
    _top(pen, long_sleeves=True)
    pen.poly([(40, 18), (50, 30), (44, 14)])
    pen.poly([(60, 18), (50, 30), (56, 14)])
    pen.line_([(50, 30), (50, 86)], width=1.4)
    pen.rect(33, 60, 44, 66, r=1)
    pen.rect(56, 60, 67, 66, r=1)


def _puffer(pen: _Pen) -> None:
    _jacket(pen)
    for y in (38, 50, 62, 74):
        pen.line_([(31, y), (69, y)])


def _trousers(pen: _Pen) -> None:
    pen.poly([(32, 12), (68, 12), (73, 90), (55, 90), (50, 38), (45, 90), (27, 90)])
    pen.line_([(32, 18), (68, 18)])


def _shorts(pen: _Pen) -> None:
    pen.poly([(30, 22), (70, 22), (76, 66), (54, 68), (50, 44), (46, 68), (24, 66)])
    pen.line_([(30, 28), (70, 28)])


def _sneaker(pen: _Pen) -> None:
    pen.poly([(14, 64), (16, 46), (36, 42), (52, 30), (64, 32), (86, 52), (88, 64)])
    pen.rect(12, 62, 90, 72, r=3, fill=PAPER)
    for x in (44, 50, 56):
        pen.line_([(x, 36 + (x - 44) * 0.6), (x + 5, 44 + (x - 44) * 0.6)])


def _boot(pen: _Pen) -> None:
    pen.poly([(26, 64), (28, 16), (52, 16), (54, 42), (82, 52), (86, 64)])
    pen.rect(24, 62, 88, 74, r=2, fill=INK)
    pen.dots([(46, y) for y in (24, 31, 38)])


def _espadrille(pen: _Pen) -> None:
    pen.poly([(16, 62), (20, 48), (46, 40), (70, 42), (86, 54), (88, 62)])
    pen.rect(12, 60, 90, 72, r=4, fill=(200, 170, 120))
    for x in range(18, 88, 6):
        pen.line_([(x, 62), (x + 3, 70)], width=0.5)


def _tote(pen: _Pen) -> None:
    pen.arc(34, 12, 66, 50, 180, 360)
    pen.poly([(22, 32), (78, 32), (74, 88), (26, 88)])


def _backpack(pen: _Pen) -> None:
    pen.arc(42, 10, 58, 26, 180, 360)
    pen.rect(26, 18, 74, 88, r=10)
    pen.rect(34, 56, 66, 82, r=5)
    pen.line_([(34, 40), (66, 40)])


def _duffel(pen: _Pen) -> None:
    pen.arc(36, 22, 64, 56, 180, 360)
    pen.rect(12, 40, 88, 80, r=12)
    pen.line_([(20, 48), (80, 48)])


def _pouch(pen: _Pen) -> None:
    pen.arc(18, 6, 82, 70, 180, 360)
    pen.rect(24, 38, 76, 80, r=4)
    pen.poly([(24, 40), (76, 40), (76, 56), (50, 62), (24, 56)])
    pen.dots([(50, 58)], r=1.5)


def _wallet(pen: _Pen) -> None:
    pen.rect(20, 30, 80, 72, r=4)
    pen.line_([(50, 30), (50, 72)], width=0.6)
    pen.rect(26, 36, 46, 46, r=1)


def _belt(pen: _Pen) -> None:
    pen.rect(6, 44, 78, 56, r=2)
    pen.draw.rounded_rectangle(
        pen.box(76, 38, 94, 62), radius=2 * pen.unit, outline=INK, width=pen.width * 3
    )
    pen.dots([(20 + 8 * i, 50) for i in range(5)], r=1.2)


def _cap(pen: _Pen) -> None:
    pen.ellipse(44, 62, 92, 74)
    pen.chord(20, 30, 76, 96, 180, 360)
    pen.dots([(48, 31)], r=2)


def _beanie(pen: _Pen) -> None:
    pen.ellipse(44, 8, 56, 20)
    pen.chord(24, 16, 76, 100, 180, 360)
    pen.rect(22, 56, 78, 72, r=3)
    for x in range(28, 76, 6):
        pen.line_([(x, 58), (x, 70)], width=0.5)


def _bucket(pen: _Pen) -> None:
    pen.ellipse(12, 56, 88, 76)
    pen.poly([(30, 66), (34, 30), (66, 30), (70, 66)])
    pen.line_([(32, 52), (68, 52)])


def _scarf(pen: _Pen) -> None:
    pen.rect(30, 10, 46, 86, r=2)
    pen.poly([(54, 10), (70, 10), (62, 78), (46, 74)])
    for x in range(31, 46, 3):
        pen.line_([(x, 86), (x, 93)], width=0.5)
    pen.line_([(30, 30), (46, 30)])
    pen.line_([(30, 34), (46, 34)])


def _glove(pen: _Pen) -> None:
    for x0, top in ((34, 14), (44, 10), (54, 12), (64, 18)):
        pen.rect(x0, top, x0 + 9, 50, r=4)
    pen.poly([(34, 40), (24, 34), (20, 40), (32, 58)])
    pen.rect(32, 36, 74, 76, r=8)
    pen.rect(34, 72, 72, 88, r=2)


def _sock(pen: _Pen) -> None:
    pen.poly([(38, 10), (60, 10), (60, 60), (84, 70), (82, 86), (44, 84), (38, 64)])
    pen.line_([(38, 18), (60, 18)])
    pen.line_([(38, 22), (60, 22)])


def _glasses(pen: _Pen) -> None:
    pen.line_([(8, 40), (20, 44)], width=1.5)
    pen.line_([(92, 40), (80, 44)], width=1.5)
    pen.rect(16, 40, 46, 64, r=8, fill=INK)
    pen.rect(54, 40, 84, 64, r=8, fill=INK)
    pen.arc(44, 40, 56, 52, 180, 360)


def _bottle(pen: _Pen) -> None:
    pen.rect(40, 8, 60, 18, r=2, fill=INK)
    pen.rect(43, 16, 57, 28, r=1)
    pen.rect(34, 26, 66, 92, r=8)
    pen.line_([(34, 40), (66, 40)], width=0.6)


def _mug(pen: _Pen) -> None:
    pen.arc(58, 40, 84, 72, 270, 90)
    pen.rect(24, 30, 66, 82, r=4)
    pen.ellipse(24, 26, 66, 36, fill=PAPER)


def _blanket(pen: _Pen) -> None:
    for i, y in enumerate((60, 44, 28)):
        pen.rect(16 + i * 2, y, 84 - i * 2, y + 20, r=4)
        pen.line_([(22 + i * 2, y + 7), (78 - i * 2, y + 7)], width=0.6)


def _drybag(pen: _Pen) -> None:
    pen.rect(30, 28, 70, 90, r=10)
    pen.rect(26, 14, 74, 30, r=3)
    pen.rect(44, 8, 56, 18, r=2, fill=INK)


def _umbrella(pen: _Pen) -> None:
    pen.line_([(50, 40), (50, 86)], width=1.2)
    pen.arc(42, 80, 52, 92, 0, 180)
    pen.chord(10, 16, 90, 76, 180, 360)
    for x in (30, 50, 70):
        pen.line_([(50, 16), (x, 46)], width=0.6)


def _book(pen: _Pen) -> None:
    pen.rect(26, 14, 76, 88, r=1)
    pen.rect(26, 14, 33, 88, r=1, fill=INK)
    pen.rect(38, 28, 70, 46, r=1, fill=PAPER)


SHAPES: dict[str, Callable[[_Pen], None]] = {
    "tee": _tee,
    "longsleeve": _longsleeve,
    "polo": _polo,
    "shirt": _shirt,
    "hoodie": _hoodie,
    "sweater": _sweater,
    "cardigan": _cardigan,
    "jacket": _jacket,
    "puffer": _puffer,
    "trousers": _trousers,
    "shorts": _shorts,
    "sneaker": _sneaker,
    "boot": _boot,
    "espadrille": _espadrille,
    "tote": _tote,
    "backpack": _backpack,
    "duffel": _duffel,
    "pouch": _pouch,
    "wallet": _wallet,
    "belt": _belt,
    "cap": _cap,
    "beanie": _beanie,
    "bucket": _bucket,
    "scarf": _scarf,
    "glove": _glove,
    "sock": _sock,
    "glasses": _glasses,
    "bottle": _bottle,
    "mug": _mug,
    "blanket": _blanket,
    "drybag": _drybag,
    "umbrella": _umbrella,
    "book": _book,
}


def _spaced(text: str) -> str:
    # Pillow's built-in font has no accented capitals: NAZARÉ is printed as NAZARE.
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.upper())


def render(plan: ImagePlan) -> bytes:
    """A SIZE x SIZE JPEG of the planned picture."""
    colour = plan.colour.rgb
    big = SIZE * SCALE
    image = Image.new("RGB", (big, big), _mix(colour, PAPER, 0.84))
    draw = ImageDraw.Draw(image)
    draw.ellipse([big * 0.14, big * 0.08, big * 0.86, big * 0.8], fill=_mix(colour, PAPER, 0.7))
    # the product fills the upper part of the picture; the line name and brand sit below
    SHAPES[plan.shape](
        _Pen(draw, colour, _mix(colour, INK, 0.6), (big * 0.11, big * 0.03), big * 0.78)
    )
    font = ImageFont.load_default(size=SCALE * 26)
    small = ImageFont.load_default(size=SCALE * 15)
    draw.text((big / 2, big * 0.885), _spaced(plan.label), fill=INK, font=font, anchor="mm")
    draw.text(
        (big / 2, big * 0.945),
        BRAND.upper(),
        fill=_mix(INK, PAPER, 0.45),
        font=small,
        anchor="mm",
    )
    out = io.BytesIO()
    # a box filter over SCALE x SCALE pixels is all the smoothing supersampling needs
    image.reduce(SCALE).save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()
