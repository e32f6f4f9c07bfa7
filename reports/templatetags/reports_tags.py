"""Menu helpers: {% if request.user|may_see_stats %}, {% if request.user|may_set_quotas %}."""

from html import escape  # what django.utils.html.escape returns, without its lazy wrapper

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dossiers.formatting import vn_number
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


# Long lists are written here rather than by a template loop: the national report has ~19,000 rows
# and its chooser as many organisations, where each template tag and variable of a loop costs more
# than the whole row written in Python. The markup is the one the templates wrote.


@register.simple_tag
def org_options(organizations, selected) -> SafeString:
    """The <option>s of the organisation chooser, `selected` (an organisation) marked."""
    pk = getattr(selected, "pk", None)
    return mark_safe("".join(
        f'<option value="{org.pk}"{" selected" if org.pk == pk else ""}>{escape(org.name)}</option>'
        for org in organizations))


@register.simple_tag
def report_rows(rows) -> SafeString:
    """The numbered rows of one group of the report table (reference/004)."""
    note = escape(str(_("No source left")))
    return mark_safe("".join(
        f'\n        <tr class="reports-report__row" data-number="{row.number}">\n'
        f'          <td class="reports-report__no">{row.number}</td>\n'
        f"          <td>{escape(row.organization.name)}</td>\n"
        f'          <td class="reports-report__n">{"" if row.shown is None else vn_number(row.shown)}</td>\n'
        f'          <td class="reports-report__note">{note if row.no_source else ""}</td>\n'
        f"        </tr>"
        for row in rows))
