"""Page helpers: who sees which button, links that keep the list's filters."""

import functools
import html

from django import forms, template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.forms.utils import flatatt
from django.templatetags.static import static
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from web import access
from web.presenters import TASK_LABELS, task_rows_html

register = template.Library()


@register.simple_tag(takes_context=True)
def party_menu(context) -> str:
    """The site's menu (web/menu.py)."""
    from web import menu  # noqa: PLC0415

    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    return menu.render(request, context.get("csrf_token"))


@register.simple_tag
def asset(path: str) -> str:
    """`{% static %}` for the shell's files, looked up once per process: the storage's answer does
    not change while the process runs, and the shell asks for seven on every page."""
    return _asset_url(path)


@functools.cache
def _asset_url(path: str) -> str:
    return static(path)


@receiver(setting_changed, dispatch_uid="web.assets.setting_changed")
def _forget_assets(setting, **kwargs) -> None:
    if setting in ("STATIC_URL", "STORAGES", "STATICFILES_STORAGE", "FORCE_SCRIPT_NAME"):
        _asset_url.cache_clear()


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


@register.simple_tag
def select_field(field) -> str:
    """A form's single <select> as `{{ field.as_field_group }}` prints it (label, errors, the select
    and its options), written here instead of through Django's widget templates: the dossier list's
    filter renders ~50 options on every request, 10–20 ms through the templates. Any other widget,
    optgroups, help text or fieldsets fall back to Django's own rendering."""
    widget = field.field.widget
    if (type(widget) is not forms.Select or field.help_text or field.use_fieldset
            or getattr(field, "aria_describedby", None)):
        return field.as_field_group()
    chosen = set(widget.format_value(field.value()))
    options = []
    for value, label in widget.choices:
        if isinstance(label, (list, tuple)):
            return field.as_field_group()
        value = "" if value is None else str(value)
        options.append((value, " selected" if value in chosen else "", label))
    attrs = dict(widget.attrs)
    if field.auto_id:
        attrs.setdefault("id", field.auto_id)
    if field.field.required and field.form.use_required_attribute:
        attrs["required"] = True
    if field.errors:
        attrs["aria-invalid"] = "true"
    label = format_html('<label for="{}">{}</label>', attrs.get("id", ""), field.label) if field.label else ""
    return format_html(
        '{}\n{}\n<select name="{}"{}>\n{}\n</select>',
        label, field.errors, field.html_name, flatatt(attrs),
        mark_safe("\n".join(  # noqa: S308 - every value is escaped by _escape
            f'  <option value="{_escape(value)}"{selected}>{_escape(label)}</option>'
            for value, selected, label in options)),
    )


def _escape(value) -> str:
    """`conditional_escape` without its lazy-string wrapper (`keep_lazy`), which cost more than the
    escaping itself over the list filter's ~50 options: the same result for every value."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


@register.simple_tag(takes_context=True)
def task_table_rows(context, tasks, kind: str, form_id: str):
    """The rows of a task table (`web.presenters.task_rows_html`), for the page being shown."""
    return task_rows_html(tasks, kind=kind, form_id=form_id, next_url=context["request"].get_full_path())


@register.simple_tag
def task_table_labels() -> dict:
    """The task table's words (`web.presenters.TASK_LABELS`), for its head: the rows' data-labels
    are the same words."""
    return TASK_LABELS
