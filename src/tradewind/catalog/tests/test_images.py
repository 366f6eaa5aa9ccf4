"""Product photos: WebP thumbnails at standard widths, and anything else refused."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tradewind.catalog import images, services
from tradewind.catalog.models import Product, ProductImage

from .conftest import MakeProduct, image_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(make_product: MakeProduct) -> Product:
    return make_product()


def opened(path: str) -> Image.Image:
    with default_storage.open(path, "rb") as f:
        img = Image.open(io.BytesIO(f.read()))
        img.load()
        return img


def test_thumbnails_are_webp_at_every_width_up_to_the_original(product: Product) -> None:
    photo = services.add_product_image(product, image_upload((2000, 1000)), alt="Side view")
    assert (photo.width, photo.height) == (2000, 1000)
    assert sorted(map(int, photo.thumbnails)) == list(images.THUMBNAIL_WIDTHS)
    for width, path in photo.thumbnails.items():
        thumb = opened(path)
        assert thumb.format == "WEBP"
        assert thumb.size == (int(width), int(width) // 2)
    assert ProductImage.objects.get(pk=photo.pk).thumbnails == photo.thumbnails


def test_a_photo_is_never_enlarged(product: Product) -> None:
    medium = services.add_product_image(product, image_upload((500, 300), "PNG", "m.png"))
    assert sorted(map(int, medium.thumbnails)) == [160, 320]
    tiny = services.add_product_image(product, image_upload((90, 60), "PNG", "t.png"))
    assert list(tiny.thumbnails) == ["90"]
    assert opened(tiny.thumbnails["90"]).size == (90, 60)


def test_transparency_survives(product: Product) -> None:
    buffer = io.BytesIO()
    Image.new("RGBA", (400, 400), (0, 0, 0, 0)).save(buffer, "PNG")
    photo = services.add_product_image(product, SimpleUploadedFile("a.png", buffer.getvalue()))
    assert opened(photo.thumbnails["320"]).mode == "RGBA"


def test_phone_photos_are_turned_upright_from_their_exif_orientation(product: Product) -> None:
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: rotate 90 degrees clockwise to view
    Image.new("RGB", (800, 400)).save(buffer, "JPEG", exif=exif)
    photo = services.add_product_image(product, SimpleUploadedFile("p.jpg", buffer.getvalue()))
    assert (photo.width, photo.height) == (400, 800)
    assert opened(photo.thumbnails["320"]).size == (320, 640)


@pytest.mark.parametrize(
    ("content", "name", "complaint"),
    [
        (b"just some text", "notes.jpg", "not an image"),
        (b"\x89PNG\r\n\x1a\n truncated", "broken.png", "not an image"),
        (b"", "empty.jpg", "not an image"),
    ],
)
def test_files_that_are_not_images_are_refused(
    product: Product, content: bytes, name: str, complaint: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.add_product_image(product, SimpleUploadedFile(name, content))
    assert complaint in " ".join(caught.value.message_dict["image"])
    assert not ProductImage.objects.exists()
    assert not default_storage.exists("products")


def test_image_formats_browsers_cannot_show_are_refused(product: Product) -> None:
    with pytest.raises(ValidationError) as caught:
        services.add_product_image(product, image_upload((50, 50), "TIFF", "scan.tiff"))
    assert "TIFF images are not accepted" in caught.value.message_dict["image"][0]


def test_replacing_the_photo_replaces_its_thumbnails(product: Product) -> None:
    photo = services.add_product_image(product, image_upload((700, 700)))
    old_thumbs = list(photo.thumbnails.values())
    photo.image = image_upload((200, 100), name="new.jpg")
    photo.full_clean()
    photo.save()
    assert (photo.width, photo.height) == (200, 100)
    assert list(photo.thumbnails) == ["160"]
    assert not any(default_storage.exists(p) for p in old_thumbs)


def test_saving_without_a_new_photo_renders_nothing(product: Product, monkeypatch) -> None:
    photo = services.add_product_image(product, image_upload((400, 400)))

    def fail(*args: object) -> None:
        raise AssertionError("thumbnails rendered again")

    monkeypatch.setattr(images, "render_thumbnails", fail)
    photo.alt = "Front"
    photo.save()


def test_deleting_a_photo_removes_its_files_after_commit(
    product: Product, django_capture_on_commit_callbacks
) -> None:
    photo = services.add_product_image(product, image_upload((400, 400)))
    paths = [photo.image.name, *photo.thumbnails.values()]
    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()
    assert not any(default_storage.exists(p) for p in paths)


def test_an_imported_photo_may_have_only_its_source_url(product: Product) -> None:
    photo = ProductImage(product=product, source_url="https://cdn.example.com/a.jpg")
    photo.full_clean()
    photo.save()
    assert photo.thumbnails == {}
    with pytest.raises(ValidationError) as caught:
        ProductImage(product=product).full_clean()
    assert "image" in caught.value.message_dict


def test_a_photo_cannot_belong_to_another_products_variant(
    product: Product, make_product: MakeProduct
) -> None:
    other = make_product("other", "Other")
    photo = ProductImage(
        product=product, variant=other.variants.get(), source_url="https://x.example/a.jpg"
    )
    with pytest.raises(ValidationError) as caught:
        photo.full_clean()
    assert "another product" in caught.value.message_dict["variant"][0]


def test_thumbnail_url_picks_the_smallest_sharp_enough_size(product: Product) -> None:
    photo = services.add_product_image(product, image_upload((1000, 500)))
    assert str(photo.thumbnail_url(300)).endswith("-320.webp")
    assert str(photo.thumbnail_url(5000)).endswith("-640.webp")
    assert str(photo.thumbnail_url(300)).startswith("/media/thumbs/products/")


def test_a_stored_file_that_is_not_an_image_is_reported_on_the_image_field(
    product: Product,
) -> None:
    name = default_storage.save("products/fake.jpg", ContentFile(b"nope"))
    with pytest.raises(ValidationError) as caught:
        ProductImage.objects.create(product=product, image=name)
    assert "image" in caught.value.message_dict
    assert not ProductImage.objects.exists()


def test_photos_named_alike_keep_their_own_thumbnails(product: Product) -> None:
    wide = services.add_product_image(product, image_upload((300, 150), "JPEG", "a.jpg"))
    square = services.add_product_image(product, image_upload((200, 200), "PNG", "a.png"))
    assert opened(wide.thumbnails["160"]).size == (160, 80)
    assert opened(square.thumbnails["160"]).size == (160, 160)
