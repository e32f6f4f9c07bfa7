"""The menu's task badge."""

from django import template

from workflows.selectors import inbox_count

register = template.Library()


@register.simple_tag(takes_context=True)
def open_task_count(context) -> int:
    """Open tasks in the user's inbox: one COUNT query, remembered for the rest of the request."""
    request = context.get("request")
    if request is None:
        return 0
    if not hasattr(request, "_open_task_count"):
        request._open_task_count = inbox_count(user=request.user)
    return request._open_task_count
