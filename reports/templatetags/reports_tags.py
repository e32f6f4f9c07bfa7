"""Menu helpers: {% if request.user|may_see_stats %}, {% if request.user|may_set_quotas %}."""

from django import template

from reports import access

register = template.Library()


@register.filter
def may_see_stats(user) -> bool:
    return access.may_see_stats(user)


@register.filter
def may_set_quotas(user) -> bool:
    return access.may_set_quotas(user)


@register.filter
def vn_decimal(value) -> str:
    """Decimal("9.2") → "9,2"; whole numbers without decimals ("110")."""
    if value is None or value == "":
        return ""
    text = f"{value:f}" if hasattr(value, "as_tuple") else str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    whole, _sep, fraction = text.partition(".")
    try:
        whole = f"{int(whole):,}".replace(",", ".")
    except ValueError:
        return text
    return f"{whole},{fraction}" if fraction else whole
