"""
The public side of intake: the report form (/en/report/, /fr/report/) and
each report's status page, at an address only its sender knows
(/en/report/status/<token>/).

- The form answers GET and POST (CSRF-protected). A robot that fills the
  hidden field (``forms.HONEYPOT``) gets a 400 and nothing is kept; more
  than ``DOSSIER_REPORT_RATE`` reports from one address get a 429 with
  ``Retry-After``, the text kept in the form (``core.http.ClientRateLimit``).
- ``?record=INC-0042`` (the "Report an error" link of record pages) fills in
  the record when it is published; any other id gets the same message,
  whether unknown or unpublished, so nothing leaks.
- The status page shows the reference, the status (received, under review,
  published as INC-0042, declined with its reason) and never the contact;
  it is not cached, not indexed and sends no referrer (its address is the key).
"""

import math

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.http import ClientRateLimit, client_ip
from core.i18n import current_language
from core.logging import security_event

from . import triage
from .forms import RECORD_ID_MAX, ReportForm, published_record_by_id
from .models import Report, ReportStatus

TOKEN_MAX = Report._meta.get_field("token").max_length


class ReportRateLimit(ClientRateLimit):
    scope = "dossier-report"
    setting = "DOSSIER_REPORT_RATE"


def _private(response):
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _form_page(request, form, *, status=200, problem="", record=None):
    context = {"form": form, "problem": problem, "record": record}
    return _private(render(request, "intake/report_form.html", context, status=status))


@require_http_methods(["GET", "HEAD", "POST"])
def report(request):
    if request.method != "POST":
        return _blank_form(request)
    form = ReportForm(request.POST)
    if form.robot():
        security_event("intake.honeypot", ip=client_ip(request))
        return _form_page(
            request,
            ReportForm(),
            status=400,
            problem=_(
                "This report could not be accepted: a field meant to stay empty was filled in. Please try again."
            ),
        )
    if not form.is_valid():
        return _form_page(request, form, status=400)
    limit = ReportRateLimit()
    if not limit.allow_request(request):
        wait = math.ceil(limit.wait() or 60)
        minutes = max(1, math.ceil(wait / 60))
        security_event("intake.rate_limited", ip=client_ip(request))
        response = _form_page(
            request,
            form,
            status=429,
            problem=_(
                "Too many reports were sent from your address. Your text is kept below: "
                "please send it again in %(minutes)s minutes."
            )
            % {"minutes": minutes},
        )
        response["Retry-After"] = str(wait)
        return response
    data = form.cleaned_data
    sent = triage.submit_report(
        what_happened=data["what_happened"],
        where=data["where"],
        when=data["when"],
        links=data["links"],
        contact_email=data["contact_email"],
        about_record=data["record"],
        language=current_language(),
    )
    response = HttpResponseRedirect(reverse("intake:status", args=[sent.token]) + "?sent=1")
    response.status_code = 303  # See Other: reloading the status page does not post again
    return response


def _blank_form(request):
    given = request.GET.get("record", "")
    record = published_record_by_id(given[:RECORD_ID_MAX]) if given else None
    problem = ""
    if given and record is None:
        problem = _("No published record has the id “%(id)s”. You can still describe the error below.") % {
            "id": given[:RECORD_ID_MAX]
        }
    form = ReportForm(initial={"record": record.public_id} if record else {})
    return _form_page(request, form, problem=problem, record=record)


# What the sender reads, in order.
STEPS = ("received", "under_review", "published")


def public_status(report, record):
    """(step, declined): the step of STEPS the report has reached, as its
    sender sees it."""
    if report.status == ReportStatus.DECLINED:
        return None, True
    if record is not None:
        return "published", False
    if report.status in (ReportStatus.PROMOTED, ReportStatus.DUPLICATE):
        return "under_review", False
    return "received", False


@require_safe
def report_status(request, token):
    if len(token) > TOKEN_MAX:
        raise Http404
    report = Report.objects.filter(token=token).select_related("duplicate_of_report").first()
    if report is None:
        raise Http404
    record = triage.published_record(report)
    step, declined = public_status(report, record)
    context = {
        "report": report,
        "record": record,
        "step": step,
        "declined": declined,
        "steps": [(name, STEPS.index(name) <= STEPS.index(step) if step else False) for name in STEPS],
        "sent": request.GET.get("sent") == "1",
        "language": get_language(),
    }
    response = _private(render(request, "intake/report_status.html", context))
    # Its address is the key to it: never sent to another page, even ours.
    response["Referrer-Policy"] = "no-referrer"
    return response
