"""The menu's task badge."""

from django import template

from web.menu import open_task_count as count_for

register = template.Library()


@register.simple_tag(takes_context=True)
def open_task_count(context) -> int:
    """Open tasks in the user's inbox: one COUNT query, remembered for the rest of the request."""
    request = context.get("request")
    return 0 if request is None else count_for(request)
