"""The API's content negotiation: DRF's own answers, some of them found sooner."""

import pytest
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer, StaticHTMLRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from annotations.api.negotiation import ContentNegotiation


@pytest.mark.parametrize(
    "accept",
    [None, "*/*", "application/json", "text/html", "application/json; indent=4",
     "text/html,application/xhtml+xml,*/*;q=0.8", "image/png", "", "*/*, text/html"],
)
@pytest.mark.parametrize(
    "renderers",
    [[JSONRenderer, BrowsableAPIRenderer], [BrowsableAPIRenderer, JSONRenderer],
     [StaticHTMLRenderer]],
)
def test_negotiation_answers_as_drfs_own(accept, renderers):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    renderers = [renderer() for renderer in renderers]

    def answer(negotiation):
        request = Request(APIRequestFactory().get("/api/articles/", **headers))
        try:
            renderer, media_type = negotiation.select_renderer(request, renderers)
        except NotAcceptable:
            return "406"
        return type(renderer), media_type

    assert answer(ContentNegotiation()) == answer(DefaultContentNegotiation())
