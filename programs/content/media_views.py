"""Uploaded media, served privately: never from a public URL, only through these views after
the same door as the pages. Staff see the files of brands they cover, a creator their own;
any other file is a 404, the same answer as a missing one. Files answer HTTP Range requests
(``influencer_ops.ranges``), so a video plays and seeks without being fetched whole."""

from __future__ import annotations

from typing import Any, cast

from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext
from django.views import View

from influencer_ops.ranges import ranged_file_response
from influencers.access import CreatorViewMixin
from organizations.access import OrgViewMixin, get_for_org
from programs.content import selectors
from programs.models import SubmissionMedia


def serve(
    request: HttpRequest, media: SubmissionMedia, variant: str
) -> HttpResponse | StreamingHttpResponse:
    """The file or its thumbnail (or the byte range asked), inline, cacheable by the viewer's
    browser only."""
    if variant == "thumbnail":
        if not media.thumbnail:
            raise Http404(gettext("No thumbnail."))
        name, content_type = media.thumbnail.name, "image/jpeg"
    else:
        name, content_type = media.file.name, media.content_type
    filename = media.original_name or f"media.{name.rsplit('.', 1)[-1]}"
    try:
        response = ranged_file_response(
            request,
            storage=default_storage,
            name=name,
            content_type=content_type,
            filename=filename,
        )
    except FileNotFoundError as exc:
        raise Http404(gettext("The file is missing.")) from exc
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


class StaffMediaView(OrgViewMixin, View):
    def get(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse | StreamingHttpResponse:
        media = get_for_org(
            selectors.staff_media(organization=self.organization, membership=self.membership),
            self.organization,
            kwargs["pk"],
        )
        return serve(request, media, kwargs.get("variant", "file"))


class PortalMediaView(CreatorViewMixin, View):
    def get(
        self, request: HttpRequest, pk: int, variant: str = "file"
    ) -> HttpResponse | StreamingHttpResponse:
        media = selectors.creator_media(user=cast(Any, request.user)).filter(pk=pk).first()
        if media is None:
            raise Http404(gettext("Not found."))
        return serve(request, media, variant)
