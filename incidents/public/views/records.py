"""
Public record pages: the live version, each published version, what changed
between two of them, and the citation files.

Drafts, versions in review, approved-but-unpublished versions, unknown and
malformed ids all answer the same 404: a reader cannot tell a record that
does not exist from one that is not public yet. A withdrawn record answers
every one of its URLs with its withdrawal notice and "410 Gone": the record
existed and was removed on purpose (a 404 would call the citing link broken;
a 200 would keep search engines indexing a record we retracted). A record
merged into another as its duplicate answers every one of its URLs with
"301 Moved Permanently" to the original's page, which says what was merged
into it (``merged_redirect``).

Anonymous pages carry an ETag (``record_page.etag``: the record's stamp,
with the licence settings the page states) and answer a matching
``If-None-Match`` with 304 after one small query (``record_page.page_stamp``),
before any page content is loaded. Anonymous readers get a version's page
from the cache when it was rendered for the current ETag
(incidents/public/page_cache.py).
"""

import json
from functools import partial, wraps

from django import forms
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import condition, require_safe

from core.i18n import current_language, date_format
from incidents import diff
from incidents.public import citing, licence, page_cache
from incidents.public.record_page import (
    etag,
    page_context,
    page_stamp,
    prefetch_parts,
    public_record,
    public_versions,
    record_with_versions,
    stamp_with,
    summary_text,
)


def _stamp(request, public_id):
    """The record's stamp (``record_page.page_stamp``), read once per request:
    the ETag function and the view both need it."""
    loaded = request.__dict__.setdefault("_dossier_stamps", {})
    if public_id not in loaded:
        loaded[public_id] = page_stamp(public_id)
    return loaded[public_id]


def _stamp_and_page(request, public_id, number):
    """Before the ETag function reads the stamp of a version's page: for a
    request the page cache ``applies`` to, read the stamp and the cached
    page together (``record_page.stamp_with``: one round trip to Redis).
    Not when the reader sends ``If-None-Match``: a ``304`` needs the stamp
    alone, and the page is read after it only if the tag does not match."""
    loaded = request.__dict__.setdefault("_dossier_stamps", {})
    if public_id in loaded or "If-None-Match" in request.headers or not page_cache.applies(request):
        return
    key = page_cache.page_key(public_id, current_language(), number)
    loaded[public_id], found = stamp_with(public_id, [key])
    request._dossier_page_entry = found.get(key)


def merged_redirect(view=None, *, page=False):
    """Every URL of a duplicate answers 301 to the page of the record it was
    merged into (its stamp says which, in the same query): its own content,
    versions and citation files are no longer shown. ``page``: a version's
    page, whose cached copy is read with the stamp (``_stamp_and_page``)."""
    if view is None:
        return partial(merged_redirect, page=page)

    @wraps(view)
    def wrapper(request, public_id, *args, **kwargs):
        if page:
            _stamp_and_page(request, public_id, kwargs.get("number"))
        stamp = _stamp(request, public_id)
        if stamp is not None and stamp.merged_into:
            return HttpResponsePermanentRedirect(reverse("incidents:record", args=[stamp.merged_into]))
        return view(request, public_id, *args, **kwargs)

    return wrapper


def _record_and_versions(request, public_id):
    """(record, its public versions), or (withdrawn record, None): what a
    page shows, in one query after its stamp; 404 for anything else."""
    stamp = _stamp(request, public_id)
    if stamp is None:
        raise Http404
    if not stamp.is_withdrawn and (found := record_with_versions(stamp)) is not None:
        return found
    # Withdrawn (the notice needs the record), or changed since the stamp was read.
    record = public_record(public_id)
    if record is None or record.is_merged:  # merged since its stamp was read
        raise Http404
    return (record, None) if record.is_withdrawn else (record, public_versions(record))


def _is_public_number(live_number, number):
    # Version numbers are handed out 1, 2, 3… at publication, so every number
    # up to the live version's was published and stays public.
    return number is not None and live_number is not None and 1 <= number <= live_number


def anonymous_etag(stamp, lang, number=None, extension=None) -> str | None:
    """The ETag an anonymous reader gets for a record's page in ``lang``
    (``number``: a version's permalink; ``extension``: a citation file),
    None when there is no such public page. The one definition, which the
    views and ``middleware.AnonymousRevalidationMiddleware`` both use."""
    if stamp is None or (number is not None and not _is_public_number(stamp.live_number, number)):
        return None
    # The licence settings too: the page states the licence they give.
    return etag(stamp, lang, number, extension, licence.settings_fingerprint())


def _page_etag(request, public_id, number=None, extension=None):
    # Only anonymous pages: a signed-in reader's page may differ, and must
    # never be answered from someone else's validator.
    if request.user.is_authenticated:
        return None
    return anonymous_etag(_stamp(request, public_id), current_language(), number, extension)


def _version_page_etag(request, public_id, number=None):
    _stamp_and_page(request, public_id, number)
    return _page_etag(request, public_id, number)


def withdrawn_notice(request, record):
    return render(request, "incidents/withdrawn.html", {"record": record}, status=410)


def _render_version(request, record, version, versions):
    prefetch_parts([version])
    lang = current_language()
    context = page_context(record, version, versions, lang)
    ref, cite = citing.cite_context(request, record, version, context, lang)
    context.update(cite)
    context.update(
        json_ld=citing.json_ld_script(
            citing.json_ld(
                ref,
                page_url=request.build_absolute_uri(request.path),
                first_published=context["first_published"],
                sources=[entry.citation.source for entry in context["evidence"]],
                terms=[term for group in context["taxonomy_groups"] for term in group.terms],
                entities=list({role.entity_id: role.entity for role in version.entity_roles.all()}.values()),
                countries=[jurisdiction.country for jurisdiction in version.jurisdictions.all()],
                same_as=[external.url for external in version.external_ids.all()],
            )
        ),
    )
    return render(request, "incidents/record_detail.html", context)


def _version_page(request, public_id, number=None):
    """A version's page (its permalink, ``number``), or the live one: from
    the cache when an anonymous reader's copy for the current ETag is there
    (the stamp's query and a cache read), rendered and stored otherwise."""
    stamp = _stamp(request, public_id)
    if stamp is None or (number is not None and not _is_public_number(stamp.live_number, number)):
        raise Http404
    key = tag = None
    if page_cache.applies(request) and not stamp.is_withdrawn:
        key, tag = page_cache.page_key(public_id, current_language(), number), _page_etag(request, public_id, number)
        cached = page_cache.cached_page(request, key, tag, getattr(request, "_dossier_page_entry", page_cache.NOT_READ))
        if cached is not None:
            return cached
    record, versions = _record_and_versions(request, public_id)
    if versions is None:
        return withdrawn_notice(request, record)
    version = record.live_version if number is None else _public_version(record, versions, number)
    response = _render_version(request, record, version, versions)
    if key is not None:
        page_cache.store_page(request, key, tag, response)
    return response


@require_safe
@merged_redirect(page=True)
@condition(etag_func=_version_page_etag)
def record_detail(request, public_id):
    return _version_page(request, public_id)


def _public_version(record, versions, number):
    for version in versions:
        if version.number == number:
            return version
    raise Http404


@require_safe
@merged_redirect(page=True)
@condition(etag_func=_version_page_etag)
def version_detail(request, public_id, number):
    return _version_page(request, public_id, number)


# Citation files ---------------------------------------------------------------


def _citation(request, public_id, number):
    stamp = _stamp(request, public_id)
    if stamp is None or not _is_public_number(stamp.live_number, number):
        raise Http404
    record, versions = _record_and_versions(request, public_id)
    if versions is None:
        return record, None
    version = _public_version(record, versions, number)
    prefetch_parts([version])
    lang = current_language()
    summary = summary_text(version, lang)
    permalink = citing.absolute_url(request, "version", record.public_id, version.number)
    return record, citing.reference(record, version, permalink, lang, summary=summary)


def _download(content, content_type, name):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _bibtex_etag(request, public_id, number):
    return _page_etag(request, public_id, number, "bib")


def _csl_etag(request, public_id, number):
    return _page_etag(request, public_id, number, "json")


@require_safe
@merged_redirect
@condition(etag_func=_bibtex_etag)
def cite_bibtex(request, public_id, number):
    record, ref = _citation(request, public_id, number)
    if ref is None:
        return withdrawn_notice(request, record)
    return _download(citing.bibtex(ref), "application/x-bibtex; charset=utf-8", citing.filename(ref, "bib"))


@require_safe
@merged_redirect
@condition(etag_func=_csl_etag)
def cite_csl_json(request, public_id, number):
    record, ref = _citation(request, public_id, number)
    if ref is None:
        return withdrawn_notice(request, record)
    content = json.dumps(citing.csl_json(ref), ensure_ascii=False, indent=2)
    return _download(content, "application/vnd.citationstyles.csl+json; charset=utf-8", citing.filename(ref, "json"))


# What changed -----------------------------------------------------------------


class CompareForm(forms.Form):
    """Two published versions to compare, as ?from=1&to=2."""

    error_messages = {
        "choice": _("Choose one of the published versions of this record."),
        "same": _("Choose two different versions to compare."),
    }

    def __init__(self, data, versions):
        super().__init__(data)
        choices = [
            (
                str(version.number),
                _("Version %(number)s (%(date)s)")
                % {
                    "number": version.number,
                    "date": date_format(localtime(version.published_at), "DATE_FORMAT"),
                },
            )
            for version in versions
        ]
        for name, label in (("from", _("From")), ("to", _("To"))):
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                choices=choices,
                coerce=int,
                error_messages={"required": _("Choose a version."), "invalid_choice": self.error_messages["choice"]},
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("from") is not None and cleaned.get("from") == cleaned.get("to"):
            raise forms.ValidationError(self.error_messages["same"], code="same")
        return cleaned


@require_safe
@merged_redirect
@condition(etag_func=_page_etag)
def record_changes(request, public_id):
    record, versions = _record_and_versions(request, public_id)
    if versions is None:
        return withdrawn_notice(request, record)
    context = {"record": record, "live": record.live_version, "versions": versions}
    if len(versions) < 2:
        return render(request, "incidents/record_changes.html", context)
    if "from" in request.GET or "to" in request.GET:
        form = CompareForm(request.GET, versions)
    else:
        # No choice made yet: show what the latest version changed.
        form = CompareForm({"from": versions[-2].number, "to": versions[-1].number}, versions)
    context["form"] = form
    if not form.is_valid():
        return render(request, "incidents/record_changes.html", context, status=400)
    by_number = {version.number: version for version in versions}
    old, new = by_number[form.cleaned_data["from"]], by_number[form.cleaned_data["to"]]
    prefetch_parts([old, new])
    sections = diff.compare_versions(old, new)
    context.update(
        old=old,
        new=new,
        sections=diff.for_reader(sections, old, new, current_language()),
        # What each version in between said it changed (none when going back).
        notes=[version for version in versions if old.number < version.number <= new.number],
    )
    return render(request, "incidents/record_changes.html", context)
