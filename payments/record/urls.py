"""The payment record's API route (the pages include its template)."""

from django.urls import URLPattern, URLResolver, path

from payments.record import api as api_record

page_patterns: list[URLPattern | URLResolver] = []
portal_patterns: list[URLPattern | URLResolver] = []
api_patterns: list[URLPattern | URLResolver] = [
    path(
        "orgs/<slug:org_slug>/payment-record/",
        api_record.PaymentRecordViewSet.as_view({"get": "retrieve"}),
        name="api-payment-record",
    ),
]
