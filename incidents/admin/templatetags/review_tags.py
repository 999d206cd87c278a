"""The work queues on the admin home page (templates/admin/index.html)."""

from django import template

from incidents.publishing import queues

register = template.Library()


@register.simple_tag(takes_context=True)
def review_queues(context):
    """The queues of the signed-in user (incidents.publishing.queues.for_user)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return queues.for_user(request.user)
