"""Admin forms for the catalog: the lists and option values stored as JSON are typed as
plain text, the way a shop owner writes them.

Tags and option names are typed comma-separated ("Summer, Linen"). A variant's option
values are typed in the order of its product's option names ("M / Navy" for Size / Colour),
or as explicit pairs ("Size: M, Colour: Navy"). Which names a variant may use is checked by
the models (:func:`tradewind.catalog.models.variant_options_errors`); these forms only read
and write the text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from tradewind.catalog.models import Product, Variant, option_names_errors

VALUE_SEPARATOR = "/"
SHOWN_SEPARATOR = f" {VALUE_SEPARATOR} "
PAIR_SEPARATOR = ","
NAME_SEPARATOR = ":"


def parse_string_list(text: str) -> list[str]:
    """Comma-separated items, trimmed, without empty items or repeats (first spelling kept)."""
    items: list[str] = []
    seen: set[str] = set()
    for part in text.split(","):
        item = part.strip()
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            items.append(item)
    return items


def format_string_list(items: Sequence[Any]) -> str:
    return ", ".join(str(item) for item in items)


def option_count_error(option_names: Sequence[str]) -> str:
    if not option_names:
        return "This product has no options, so its variants take no option values."
    if len(option_names) == 1:
        return f"This product's option is {option_names[0]}: give its value."
    return (
        f"This product's options are {SHOWN_SEPARATOR.join(option_names)}: "
        f"give {len(option_names)} values separated by '{VALUE_SEPARATOR}'."
    )


def _named_pairs(text: str) -> list[tuple[str, str]] | None:
    """The pairs of "Size: M, Colour: Navy", or None when the text is not written so."""
    pairs = []
    for part in text.split(PAIR_SEPARATOR):
        name, colon, value = part.partition(NAME_SEPARATOR)
        if not colon or not name.strip():
            return None
        pairs.append((name.strip(), value.strip()))
    return pairs


def _ordered_values(text: str, count: int) -> list[str] | None:
    if count == 1:
        # A single value is taken whole, so sizes such as "S/M" need no escaping.
        return [text]
    for separator in (VALUE_SEPARATOR, SHOWN_SEPARATOR):
        values = [value.strip() for value in text.split(separator)]
        if len(values) == count:
            return values
    return None


def parse_option_values(text: str, option_names: Sequence[str]) -> dict[str, str]:
    """Option values by name from "M / Navy" (in the order of ``option_names``) or from
    "Size: M, Colour: Navy".

    Names in the explicit form are matched case-insensitively and take the product's
    spelling; names the product lacks are kept, for the model's check to report.
    """
    text = text.strip()
    if not text:
        if option_names:
            raise ValidationError(option_count_error(option_names), code="option_count")
        return {}
    pairs = _named_pairs(text)
    if pairs is not None:
        spelling = {name.casefold(): name for name in option_names}
        options: dict[str, str] = {}
        for name, value in pairs:
            key = spelling.get(name.casefold(), name)
            if key in options:
                raise ValidationError(f"{key} is given twice.", code="option_repeated")
            options[key] = value
        return options
    values = _ordered_values(text, len(option_names)) if option_names else None
    if values is None:
        raise ValidationError(option_count_error(option_names), code="option_count")
    return dict(zip(option_names, values, strict=True))


def format_option_values(options: Mapping[str, Any], option_names: Sequence[str] | None) -> str:
    """The text :func:`parse_option_values` reads back as the same values: the values in
    the order of the option names, or explicit pairs when they do not match the names."""
    if not options:
        return ""
    if option_names and set(options) == set(option_names):
        ordered = SHOWN_SEPARATOR.join(str(options[name]) for name in option_names)
        try:
            if parse_option_values(ordered, option_names) == options:
                return ordered
        except ValidationError:
            pass  # a value holding the separators; the explicit form below keeps it intact
    return f"{PAIR_SEPARATOR} ".join(
        f"{name}{NAME_SEPARATOR} {value}" for name, value in options.items()
    )


class _JSONAsTextField(forms.CharField):
    """A JSON model field's value edited as one line of text."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        # JSONField.formfield() passes its JSON encoder and decoder, which plain text does
        # not use. Its default ([] or {}) is the same at every call, so telling a changed
        # value needs no hidden copy of the initial one.
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        kwargs["show_hidden_initial"] = False
        super().__init__(**kwargs)


class StringListField(_JSONAsTextField):
    """A list of short texts typed comma-separated: "Summer, Linen" -> ["Summer", "Linen"]."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("class", "vTextField")

    def prepare_value(self, value: Any) -> Any:
        return format_string_list(value) if isinstance(value, list | tuple) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list | tuple):
            return [str(item) for item in value]
        return parse_string_list(super().to_python(value) or "")


OptionNames = Callable[[], Sequence[str] | None]


class OptionValuesField(_JSONAsTextField):
    """A variant's option values typed in the order of its product's option names.

    ``option_names`` is asked each time the field reads or shows a value, so it can follow
    option names that were changed in the same request.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.option_names: OptionNames = lambda: None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Mapping):
            return format_option_values(value, self.option_names())
        return value

    def to_python(self, value: Any) -> dict[str, str]:  # type: ignore[override]
        if isinstance(value, Mapping):
            return dict(value)
        text = super().to_python(value) or ""
        names = self.option_names()
        if names is None:
            pairs = _named_pairs(text) if text else []
            if pairs is None:
                raise ValidationError(
                    "Choose the product first: the values follow its option names.",
                    code="no_product",
                )
            return dict(pairs)
        if option_names_errors(names):
            raise ValidationError(
                "Correct the product's option names first.", code="invalid_option_names"
            )
        return parse_option_values(text, names)

    def has_changed(self, initial: Any, data: Any) -> bool:
        # An empty row of a product with options is untouched, not wrong.
        if not str(data or "").strip() and not initial:
            return False
        return super().has_changed(initial, data)


def option_values_help(option_names: Sequence[str]) -> str:
    if not option_names:
        return "This product has no options: leave empty."
    if len(option_names) == 1:
        return f"The value for {option_names[0]}."
    pairs = f"{PAIR_SEPARATOR} ".join(f"{name}{NAME_SEPARATOR} …" for name in option_names)
    return (
        f"Values for {SHOWN_SEPARATOR.join(option_names)}, in that order, separated by "
        f"'{VALUE_SEPARATOR}'; or by name, as in {pairs}"
    )


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = [
            "name",
            "handle",
            "status",
            "description",
            "category",
            "vendor",
            "product_type",
            "tags",
            "option_names",
            "tax_class",
            "hs_code",
            "origin_country",
            "weight_grams",
            "length_mm",
            "width_mm",
            "height_mm",
        ]
        field_classes = {"tags": StringListField, "option_names": StringListField}


class VariantForm(forms.ModelForm):
    """A variant; in the product page's inline its product is the one on that page."""

    class Meta:
        model = Variant
        # The product comes before the options: its option names tell how to read them.
        fields = [
            "product",
            "sku",
            "options",
            "price_amount",
            "price_currency",
            "compare_at_amount",
            "barcode",
            "weight_grams",
            "position",
        ]
        field_classes = {"options": OptionValuesField}
        # Sized to their content so a variant fits on one row of the product page.
        widgets = {
            "sku": forms.TextInput(attrs={"size": 18}),
            "price_currency": forms.TextInput(attrs={"size": 4}),
            "barcode": forms.TextInput(attrs={"size": 15}),
            "price_amount": forms.NumberInput(attrs={"style": "width: 7em"}),
            "compare_at_amount": forms.NumberInput(attrs={"style": "width: 7em"}),
            "weight_grams": forms.NumberInput(attrs={"style": "width: 5em"}),
            "position": forms.NumberInput(attrs={"style": "width: 4em"}),
        }

    def __init__(self, *args: Any, product: Product | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parent_product = product
        field = self.fields.get("options")
        if isinstance(field, OptionValuesField):
            field.option_names = self.product_option_names
            names = self.product_option_names()
            # A product not saved yet gets its option names on the same page, so they
            # cannot be told in advance; the model's general help text stands then.
            saved = self.parent_product is None or self.parent_product.pk is not None
            if names is not None and saved:
                field.help_text = option_values_help(names)
                field.widget.attrs["placeholder"] = SHOWN_SEPARATOR.join(names)

    def product_option_names(self) -> list[str] | None:
        """The option names of the variant's product as this request has them.

        In the product page the product form is cleaned before its inlines, so a product
        created or renamed in the same request already carries the names just typed. The
        stand-alone form lists the product before the options, so a product chosen in
        this request is already cleaned when the options are read (see Meta.fields).
        """
        product = self.parent_product or getattr(self, "cleaned_data", {}).get("product")
        if product is None and self.instance.product_id is not None:
            product = self.instance.product
        if product is None:
            return None
        names = product.option_names
        return [str(name) for name in names] if isinstance(names, list) else []

    def add_error(self, field: str | None, error: Any) -> None:
        # Option values that could not be read are reported once, at their field: the
        # model's check of the values left in their place would only contradict that.
        if field is None and self.has_error("options") and hasattr(error, "error_dict"):
            kept = {k: v for k, v in error.error_dict.items() if k != "options"}
            if not kept:
                return
            error = ValidationError(kept)
        super().add_error(field, error)


class VariantInlineFormSet(BaseInlineFormSet):
    """Hands every variant form the product of the page, the one the product form fills."""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "product": self.instance}
