"""Helpers for the review tests: URLs and the sign-off POST a browser sends."""

from django.urls import reverse

from incidents.publishing import review, workflow


def review_url(version):
    return reverse("admin:incidents_recordversion_review", args=[version.pk])


def sign_off_url(version):
    return reverse("admin:incidents_recordversion_sign_off", args=[version.pk])


def preview_url(version, lang):
    return reverse("admin:incidents_recordversion_preview", args=[version.pk, lang])


def sign_off_data(version, check, decision="approve", comment="", *, tick=True, item_comments=None, round_id=None):
    """The sign-off form of ``check`` as the review screen sends it: every
    active item ticked (or none, with ``tick=False``), the current round."""
    data = {
        "check": check,
        f"{check}-round": str(round_id if round_id is not None else workflow.review_round(version) or ""),
        f"{check}-decision": decision,
        f"{check}-comment": comment,
    }
    for item in review.checklist(check):
        if tick:
            data[f"{check}-item-{item.pk}-ticked"] = "on"
        data[f"{check}-item-{item.pk}-comment"] = (item_comments or {}).get(item.pk, "")
    return data
