"""Keep derived catalog data in step with direct model writes (admin, importers, shell).

Search documents are rebuilt once per product per transaction, after commit; photo files
are removed from storage only once the row's deletion has committed, so a rolled-back
delete does not leave a photo without its file.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from tradewind.catalog import images
from tradewind.catalog.models import Product, ProductImage, ProductTranslation, Variant
from tradewind.catalog.search import schedule_reindex


def _product_changed(sender: type[Product], instance: Product, **kwargs: Any) -> None:
    schedule_reindex([instance.pk])


def _part_changed(
    sender: type[ProductTranslation | Variant],
    instance: ProductTranslation | Variant,
    **kwargs: Any,
) -> None:
    schedule_reindex([instance.product_id])


def _image_deleted(sender: type[ProductImage], instance: ProductImage, **kwargs: Any) -> None:
    paths = [instance.image.name, *instance.thumbnails.values()]
    storage = instance.image.storage
    transaction.on_commit(lambda: images.delete_files(paths, storage))


def connect() -> None:
    post_save.connect(_product_changed, sender=Product, dispatch_uid="catalog_product_reindex")
    for model in (ProductTranslation, Variant):
        uid = f"catalog_{model._meta.model_name}_reindex"
        post_save.connect(_part_changed, sender=model, dispatch_uid=f"{uid}_save")
        post_delete.connect(_part_changed, sender=model, dispatch_uid=f"{uid}_delete")
    post_delete.connect(_image_deleted, sender=ProductImage, dispatch_uid="catalog_image_files")
