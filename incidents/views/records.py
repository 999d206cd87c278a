"""Public record pages: the live version of a published record."""

from django.http import Http404
from django.shortcuts import render

from ..models import PUBLIC_ID_RE, Record


def published_record_or_404(public_id):
    """The published record with this id; drafts, records in review and
    unknown ids all answer the same 404."""
    if not PUBLIC_ID_RE.match(public_id):
        raise Http404
    try:
        return Record.objects.published().select_related("live_version").get(public_id=public_id)
    except Record.DoesNotExist:
        raise Http404 from None


def record_detail(request, public_id):
    record = published_record_or_404(public_id)
    return render(request, "incidents/record_detail.html", {"record": record, "version": record.live_version})
