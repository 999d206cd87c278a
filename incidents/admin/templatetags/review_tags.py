"""The work queues on the admin home page (templates/admin/index.html)."""

from django import template

from incidents import rules
from incidents.publishing import queues
from incidents.publishing.queues import QUEUE_LENGTH

register = template.Library()


@register.simple_tag(takes_context=True)
def review_queues(context):
    """The queues of the signed-in user (incidents.publishing.queues.for_user)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return queues.for_user(request.user)


@register.simple_tag(takes_context=True)
def redactions_to_decide(context):
    """Redaction requests the signed-in user may decide on (incidents.rules)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return list(
        rules.redactions_to_decide(request.user)
        .select_related("version__record", "requested_by")
        .order_by("requested_at", "pk")[:QUEUE_LENGTH]
    )
