"""
The staff preview: any version (draft, in review, approved, published…)
rendered with the public record page's own template and sanitizer, in the
language asked for, so that reviewers sign off exactly what readers will see.

This is the one path by which unreviewed content is rendered as a page
(docs/architecture.md, "Promises", 1). It is mounted under the admin only
(``RecordVersionAdmin.get_urls``: /admin/incidents/recordversion/<id>/preview/<lang>/),
behind the admin's staff login, and checks the permission itself as well:
- ``Cache-Control: private, no-store``: no shared cache or browser may keep it;
- ``noindex`` in a ``<meta>`` and in ``X-Robots-Tag``;
- no ETag, and the public pages' render cache is neither read nor written.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.csp import CSP
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from core.i18n import LANGUAGE_CODES
from incidents import rules
from incidents.models import PUBLIC_STATUSES, RecordVersion
from incidents.public.citing import cite_context
from incidents.public.record_page import page_context, prefetch_parts


def preview_url(version, lang):
    return reverse("admin:incidents_recordversion_preview", args=[version.pk, lang])


# The review screen shows the English and French previews side by side in
# two <iframe>s. Every other response forbids framing (frame-ancestors 'none',
# X-Frame-Options: DENY, against clickjacking); this one alone may be framed,
# and only by pages of this site.
@csp_override({**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF]})
@xframe_options_sameorigin
@require_safe
def version_preview(request, version_id, lang):
    if not rules.may_preview(request.user):
        raise PermissionDenied
    if lang not in LANGUAGE_CODES:
        raise Http404
    version = get_object_or_404(RecordVersion.objects.select_related("record__live_version"), pk=version_id)
    record = version.record
    # Every version that was ever published, withdrawn record or not: the
    # changelog as it will read, and the number this version would get.
    versions = list(RecordVersion.objects.filter(record=record, status__in=PUBLIC_STATUSES).order_by("number"))
    prefetch_parts([version])
    with translation.override(lang):
        context = page_context(record, version, versions, lang, preview=True)
        if context["unpublished"]:
            # "Draft of version n": the number it gets if it is published next.
            context["upcoming_number"] = record.next_version_number()
        else:
            # A published version's page ends with how to cite it; show it too.
            context.update(cite_context(request, record, version, context, lang)[1])
        context.update(
            preview_lang=lang,
            alternate_paths={code: preview_url(version, code) for code in LANGUAGE_CODES},
            review_url=reverse("admin:incidents_recordversion_review", args=[version.pk]),
        )
        response = render(request, "incidents/record_preview.html", context)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Content-Language"] = lang
    return response
