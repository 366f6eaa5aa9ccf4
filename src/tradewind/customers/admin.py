"""Admin for customers and their address books.

Passwords are never shown or set here: a shopper chooses one in the store.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone

from tradewind.customers.addresses import ADDRESS_FIELDS, validate_address
from tradewind.customers.models import Address, Customer, normalize_email

DEFAULT_FLAGS = {"is_default_shipping": "shipping", "is_default_billing": "billing"}


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = [*ADDRESS_FIELDS, "is_default_shipping", "is_default_billing"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            normalized = validate_address(cleaned)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
            return cleaned
        cleaned.update(normalized.as_dict())
        return cleaned


class AddressFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]
        for flag, label in DEFAULT_FLAGS.items():
            if sum(1 for data in kept if data.get(flag)) > 1:
                raise ValidationError(f"Mark only one address as the default {label} address.")


class AddressInline(admin.StackedInline):
    model = Address
    form = AddressForm
    formset = AddressFormSet
    extra = 0
    fields = [
        "name",
        "company",
        "street_address_1",
        "street_address_2",
        ("postal_code", "city", "city_area"),
        ("country_area", "sorting_code", "country"),
        "phone",
        ("is_default_shipping", "is_default_billing"),
    ]


class CustomerForm(forms.ModelForm):
    language = forms.ChoiceField(choices=lambda: list(settings.LANGUAGES))

    class Meta:
        model = Customer
        fields = [
            "email",
            "first_name",
            "last_name",
            "language",
            "market",
            "accepts_marketing",
            "is_active",
        ]

    def clean_email(self) -> str:
        # Lower-cased before the model's unique check runs, so "Ann@x.com" meets "ann@x.com".
        return normalize_email(self.cleaned_data["email"])


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    form = CustomerForm
    inlines = [AddressInline]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "market",
        "language",
        "accepts_marketing",
        "has_password",
        "is_active",
        "created_at",
        "last_login",
    ]
    list_filter = ["market", "language", "accepts_marketing", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    list_select_related = ["market"]
    readonly_fields = ["has_password", "marketing_consent_at", "created_at", "last_login"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    @admin.display(boolean=True, description="Has password")
    def has_password(self, customer: Customer) -> bool:
        return customer.has_password

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Customer], search_term: str
    ) -> tuple[QuerySet[Customer], bool]:
        # A whole address finds its row through the unique index (emails are stored in
        # lower case) instead of a substring scan over every customer.
        email = normalize_email(search_term)
        try:
            validate_email(email)
        except ValidationError:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(email=email), False

    def save_model(self, request: HttpRequest, obj: Customer, form: Any, change: bool) -> None:
        if "accepts_marketing" in form.changed_data:
            obj.marketing_consent_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Address:
            super().save_formset(request, form, formset, change)
            return
        changed = formset.save(commit=False)
        # One default per customer is a database constraint checked row by row: free the
        # flags a changed row takes before any row is written (the formset allows one each).
        taken = {flag: False for flag in DEFAULT_FLAGS if any(getattr(a, flag) for a in changed)}
        if taken:
            Address.objects.filter(customer=form.instance).update(**taken)
        for address in formset.deleted_objects:
            address.delete()
        for address in changed:
            address.customer = form.instance
            address.save()
        formset.save_m2m()
