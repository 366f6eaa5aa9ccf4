from django.urls import URLPattern, URLResolver

app_name = "storefront"

urlpatterns: list[URLPattern | URLResolver] = []
