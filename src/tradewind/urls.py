from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from tradewind.api.api import api

admin.site.site_header = "Tradewind"
admin.site.site_title = "Tradewind admin"
admin.site.index_title = "Run the store"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    # Uploaded media are served by the store itself so the embedded install needs no web
    # server in front; a production proxy may serve MEDIA_ROOT directly instead.
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    path("console/", include("tradewind.console.urls")),
    path("", include("tradewind.analytics.urls")),
    # Last: the storefront owns the market/language subfolders and the site root.
    path("", include("tradewind.storefront.urls")),
]
