"""The view beacon: answered at once, counted in memory, nothing set on the reader's browser."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from audience.beacon import beacon_parse, view_count

# The smallest transparent GIF, for the <noscript> image.
GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


@csrf_exempt  # sendBeacon carries no token; CrossSiteFormMiddleware refuses other sites' POSTs
@require_http_methods(["GET", "POST"])
def beacon(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    view_count(beacon_parse(data), request.META, own_host=request.get_host().split(":")[0])
    response = HttpResponse(GIF, content_type="image/gif") if request.method == "GET" else HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response
