"""The creator's "Your data" page (portal): ask for a copy, see where it stands, download it,
and ask for erasure. Thin: the door, one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View

from influencer_ops.errors import DomainError, Gone, refuse_back
from influencers.access import CreatorViewMixin
from influencers.privacy import erasure, selectors, services


class PortalDataView(CreatorViewMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        export = selectors.latest_export(user=user)
        status = selectors.export_status(export)
        context = {
            "export": export,
            "status": status,
            "download_url": (
                selectors.export_download_url(export) if export and status == "ready" else ""
            ),
            "blocker": selectors.erasure_blocker(user=user),
            "profiles": self.creator_profiles,
            "export_days": services.EXPORT_DAYS,
        }
        return render(request, "portal/data.html", context)

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            services.data_export_request(user=request.user)
        except DomainError as exc:
            return refuse_back(request, exc, reverse("portal_data"))
        messages.success(
            request, gettext("We are preparing your data. You will get an e-mail with the link.")
        )
        return redirect("portal_data")


class PortalErasureView(CreatorViewMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            erased = erasure.creator_erase(user=request.user)
        except DomainError as exc:
            return refuse_back(request, exc, reverse("portal_data"))
        logout(request)
        return render(request, "portal/data_erased.html", {"count": len(erased)})


class PortalDataDownloadView(CreatorViewMixin, View):
    """The e-mailed link: the signed-in creator's own export only (anyone else's is a 404),
    until it expires (then 410)."""

    def get(self, request: HttpRequest, token: str) -> FileResponse:
        export = selectors.export_from_link(user=request.user, token=token)
        if export is None:
            raise Http404(gettext("Not found."))
        if selectors.export_status(export) != "ready":
            raise Gone(
                gettext("This download link has expired. Ask for a new copy on the Your data page.")
            )
        try:
            handle = default_storage.open(export.file, "rb")
        except FileNotFoundError as exc:
            raise Gone(gettext("This export is no longer available. Ask for a new copy.")) from exc
        filename = f"your-data-{export.ready_at:%Y-%m-%d}.zip" if export.ready_at else "data.zip"
        response = FileResponse(
            handle, content_type="application/zip", as_attachment=True, filename=filename
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
