"""The product's URLs plus one view that fails, to see the 500 page as a person would."""

from django.urls import path

from lianghua.urls import handler403, handler404  # noqa: F401
from lianghua.urls import urlpatterns as product_urls


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [*product_urls, path("boom/", boom)]
