"""Product photos: checking uploads and rendering the WebP thumbnails pages use.

Thumbnails live beside the original in the media storage under ``thumbs/``, named after
the original, so whether a photo's thumbnails are current can be told from their paths
alone: a replaced photo has a new file name and so no matching thumbnails.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from PIL import Image, ImageOps, UnidentifiedImageError

THUMBNAIL_WIDTHS = (160, 320, 640, 1280)
# Formats browsers show and Pillow decodes safely; EPS, PSD and friends are refused
# because they either need external interpreters or are no use on a web page.
ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}
MAX_PIXELS = 50_000_000
WEBP_QUALITY = 80
THUMBS_DIR = "thumbs"


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    thumbnails: dict[str, str]  # width (as text, JSON keys are text) -> storage path


def validate_image(file: IO[bytes]) -> tuple[int, int]:
    """The (width, height) of an uploaded photo, or a ValidationError saying what is wrong."""
    allowed = ", ".join(ALLOWED_FORMATS.values())
    try:
        file.seek(0)
        with Image.open(file) as img:
            fmt, size = img.format, img.size
            if fmt not in ALLOWED_FORMATS:
                raise ValidationError(
                    f"{fmt} images are not accepted; upload one of {allowed}.", code="format"
                )
            if size[0] * size[1] > MAX_PIXELS:
                raise ValidationError(
                    f"The image is {size[0]}x{size[1]} pixels; keep it under "
                    f"{MAX_PIXELS // 1_000_000} megapixels.",
                    code="too_large",
                )
            img.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise ValidationError(
            f"The file is not an image that can be read ({allowed} are accepted).",
            code="not_an_image",
        ) from exc
    finally:
        file.seek(0)
    return size


def thumbnail_path(name: str, width: int) -> str:
    # The original's extension stays in the name: a.jpg and a.png must not share thumbnails.
    return f"{THUMBS_DIR}/{name}-{width}.webp"


def thumbnails_current(name: str, thumbnails: Mapping[str, str]) -> bool:
    if not name:
        return not thumbnails
    return bool(thumbnails) and all(
        path == thumbnail_path(name, int(width)) for width, path in thumbnails.items()
    )


def widths_for(original_width: int) -> list[int]:
    """The standard widths that do not enlarge the photo; a tiny photo keeps its own."""
    return [w for w in THUMBNAIL_WIDTHS if w <= original_width] or [original_width]


def _web_mode(img: Image.Image) -> Image.Image:
    has_alpha = img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info
    wanted = "RGBA" if has_alpha else "RGB"
    return img if img.mode == wanted else img.convert(wanted)


def render_thumbnails(name: str, storage: Storage) -> Rendition:
    """Write the WebP thumbnails of the stored photo ``name``; returns its size and their paths.

    The photo is turned upright from its EXIF orientation first, so phones' portrait
    shots do not come out sideways.
    """
    with storage.open(name, "rb") as source:
        validate_image(source)
        with Image.open(source) as opened:
            img = _web_mode(ImageOps.exif_transpose(opened))
    width, height = img.size
    thumbnails: dict[str, str] = {}
    for w in sorted(widths_for(width), reverse=True):
        # Each smaller size is scaled from the previous one: cheaper, and LANCZOS keeps it sharp.
        h = max(1, round(height * w / width))
        img = img.resize((w, h), Image.Resampling.LANCZOS) if img.width != w else img
        buffer = io.BytesIO()
        img.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
        path = thumbnail_path(name, w)
        if storage.exists(path):
            storage.delete(path)
        thumbnails[str(w)] = storage.save(path, ContentFile(buffer.getvalue()))
    return Rendition(width, height, dict(sorted(thumbnails.items(), key=lambda kv: int(kv[0]))))


def delete_files(paths: Iterable[str], storage: Storage) -> None:
    for path in paths:
        if path and storage.exists(path):
            storage.delete(path)


def best_thumbnail(thumbnails: Mapping[str, str], min_width: int) -> str | None:
    """The path of the smallest thumbnail at least ``min_width`` wide, else the largest."""
    if not thumbnails:
        return None
    by_width = sorted((int(w), path) for w, path in thumbnails.items())
    for width, path in by_width:
        if width >= min_width:
            return path
    return by_width[-1][1]
