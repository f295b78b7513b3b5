"""Views every page shares."""

from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from healthaction.core import choicesets


@require_GET
@cache_control(public=True, max_age=3600)
def vocabulary_css(request):
    """Return the badge colours of every vocabulary as a stylesheet, so site.css holds no second palette.

    A stylesheet from our own origin satisfies the Content-Security-Policy (style-src 'self').
    """
    return HttpResponse(choicesets.stylesheet(), content_type="text/css; charset=utf-8")
