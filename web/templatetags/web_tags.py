"""Page helpers: who sees which button, links that keep the list's filters."""

from django import template

from web import access

register = template.Library()


@register.filter
def may_create_dossier(user) -> bool:
    return access.may_create_dossier(user)


@register.filter
def holds_perm(user, codename: str) -> bool:
    from permissions.scoping import holds  # noqa: PLC0415

    return holds(user, codename)


@register.filter
def follows_up(user) -> bool:
    from workflows.selectors import follows_up as follows  # noqa: PLC0415

    return follows(user)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed ("" removes one): page links."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
