"""Menu helpers: {% if request.user|may_export %}, {% if request.user|may_read_export_log %}."""

from django import template

from exports import access

register = template.Library()


@register.filter
def may_export(user) -> bool:
    return access.may_export(user)


@register.filter
def may_read_export_log(user) -> bool:
    return access.may_read_log(user)
