from django.urls import URLPattern, URLResolver, include, path

app_name = "console"

# One sub-package per domain keeps each area's views, urls and templates together.
urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("tradewind.console.analytics.urls")),
    path("tax/", include("tradewind.console.tax.urls")),
    path("customers/", include("tradewind.console.insights.urls")),
]
