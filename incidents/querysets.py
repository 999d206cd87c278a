"""
Named reads of records and versions: ``Record.objects.published()``,
``RecordVersion.objects.live()`` and the like.

Every public read (pages, feeds, sitemap, search, and the coming API and
export) starts from ``published()`` or ``live()``; no default manager filters
anything, so an unfiltered ``objects.all()`` in code is visible as such.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q

from .status import OPEN_STATUSES, PUBLIC_STATUSES, WORKFLOW_CHANGE_REASON, Status


class RecordQuerySet(models.QuerySet):
    def published(self):
        """Records the public may read: published at least once, not
        withdrawn, not merged into another (a duplicate's pages lead to its
        original: ``merged()``)."""
        return self.filter(live_version__isnull=False, withdrawn_at__isnull=True, merged_into__isnull=True)

    def withdrawn(self):
        """Records whose pages are replaced by a withdrawal notice."""
        return self.filter(live_version__isnull=False, withdrawn_at__isnull=False)

    def merged(self):
        """Duplicates: records whose every URL answers 301 to the record
        they were merged into (``merged_into``)."""
        return self.filter(live_version__isnull=False, merged_into__isnull=False)


class RecordVersionQuerySet(models.QuerySet):
    def published(self):
        """Every version the public may read: the live one and the superseded
        ones, of records that are neither withdrawn nor merged into another."""
        return self.filter(
            status__in=PUBLIC_STATUSES, record__withdrawn_at__isnull=True, record__merged_into__isnull=True
        )

    def live(self):
        return self.filter(status=Status.PUBLISHED, record__withdrawn_at__isnull=True, record__merged_into__isnull=True)

    def announced(self):
        """Every version whose publication the public was told about: the
        live and superseded versions of records published, withdrawn *or
        merged* (a version with one of these statuses belongs to a record
        published at least once).

        Unlike ``published()`` it includes withdrawn and merged records'
        versions, for the feeds: an entry a reader already received is
        corrected in place by the withdrawal or merger notice rather than
        dropped. Of such a version only the notice may be shown (never its
        content): whoever reads from here must check ``record.is_withdrawn``
        and ``record.is_merged`` (incidents/public/feeds.py does).
        """
        return self.filter(status__in=PUBLIC_STATUSES)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def contributed_to_by(self, user):
        """Versions that ``user`` created or edited (see ``contributor_ids``)."""
        return self.filter(contributor_filter(user))

    def not_contributed_to_by(self, user):
        """Versions that ``user`` may review: neither created nor edited by them."""
        return self.exclude(contributor_filter(user))


def contributor_filter(user) -> Q:
    """``RecordVersion.contributor_ids()`` as a filter on many versions at once:
    created by ``user``, or with a history row of the version or of one of its
    parts saved by ``user`` (other than the workflow's), or a change by
    ``user`` to a reference row it shows since it was created.

    One ``Exists`` subquery per history table, so a list of versions costs one
    query whatever its length. ``test_review_queues`` checks that both agree.
    """
    # models.py imports this module: read the models when asked, not at import.
    from .models import VERSION_PART_MODELS, RecordVersion, reference_rows_shown

    # exclude() keeps rows whose reason is NULL (ordinary saves).
    edits = RecordVersion.history.filter(id=OuterRef("pk"), history_user=user).exclude(
        history_change_reason=WORKFLOW_CHANGE_REASON
    )
    condition = Q(created_by=user) | Exists(edits)
    for model in VERSION_PART_MODELS:
        part_edits = model.history.filter(version_id=OuterRef("pk"), history_user=user).exclude(
            history_change_reason=WORKFLOW_CHANGE_REASON
        )
        condition |= Exists(part_edits)
    for reference_model, shown in reference_rows_shown(OuterRef(OuterRef("pk"))).items():
        changes = reference_model.history.filter(shown, history_user=user, history_date__gte=OuterRef("created_at"))
        condition |= Exists(changes)
    return condition
