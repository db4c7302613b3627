"""The inbound Shopify webhook, per org: ``POST /hooks/shopify/<org>/orders`` and ``…/refunds``.

No login: the signature is the authentication. The body is verified against the org's secret
before anything is parsed; a bad or missing signature is a 401 and nothing is stored. A
delivery Shopify repeats (it retries until it gets a 2xx) is recognised by the order's id and
answered 200 without storing it twice."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from commerce.models import CommerceSettings, OrderSource
from commerce.orders import services as orders
from commerce.orders.inputs import OrdersInvalid, clean_batch, clean_order, clean_refund
from commerce.shopify import HMAC_HEADER, order_fields, refund_fields, verified
from influencer_ops.errors import DomainError
from influencer_ops.tenancy import activate_orgs
from organizations.models import Organization

MAX_BODY = 1024 * 1024


@csrf_exempt
@login_not_required
def shopify_webhook(request: HttpRequest, org_slug: str, topic: str) -> JsonResponse:
    # The signature first, whatever the method: an unknown org, an org without a secret yet
    # (never made here: an unsigned request writes nothing) and a bad signature look the same.
    organization = Organization.objects.filter(slug=org_slug).first()
    found = None
    if organization is not None:
        activate_orgs([organization.pk])
        found = CommerceSettings.objects.filter(organization_id=organization.pk).first()
    body = request.body[: MAX_BODY + 1]
    secret = found.shopify_secret if found is not None else ""
    if len(body) > MAX_BODY or not verified(secret, body, request.META.get(HMAC_HEADER)):
        return JsonResponse({"detail": gettext("The signature does not verify.")}, status=401)
    assert organization is not None
    if request.method != "POST":
        return JsonResponse({"detail": gettext("POST only.")}, status=405)
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return JsonResponse({"detail": gettext("The body is not JSON.")}, status=400)
    try:
        if topic == "orders":
            items = clean_batch([order_fields(payload)], clean_order)
            result = orders.orders_receive(
                organization=organization, source=OrderSource.SHOPIFY, orders=items
            )
        else:
            fields = refund_fields(payload)
            if isinstance(fields, dict) and fields.get("amount") == "0":
                return JsonResponse({"created": 0, "unchanged": 0, "detail": "no money moved"})
            items = clean_batch([fields], clean_refund)
            result = orders.refunds_receive(
                organization=organization, source=OrderSource.SHOPIFY, refunds=items
            )
    except OrdersInvalid as exc:
        return JsonResponse({"detail": str(exc), "errors": exc.errors[0]}, status=400)
    except DomainError as exc:
        return JsonResponse({"detail": str(exc)}, status=exc.status_code)
    return JsonResponse(
        {"created": len(result.created), "unchanged": len(result.unchanged)},
        status=201 if result.created else 200,
    )
