"""{% document_rows dossier step as rows %}: the forms of a dossier (or of one step) for the panels;
{% document_rows_html rows signer %}: their markup (`documents.panels.rows_html`)."""

from __future__ import annotations

from django import template

from documents.panels import default_signer, form_rows, rows_html

register = template.Library()


@register.simple_tag(takes_context=True)
def document_rows(context, dossier, step=""):
    request = context.get("request")
    if request is None or dossier is None:
        return []
    return form_rows(request.user, dossier, step=step or "")


@register.simple_tag(takes_context=True)
def document_signer(context) -> str:
    request = context.get("request")
    return default_signer(request.user) if request is not None else ""


@register.simple_tag(takes_context=True)
def document_rows_html(context, rows, signer=""):
    """The rows' `<li>`s, with the page's CSRF token and its address to come back to."""
    request = context.get("request")
    return rows_html(rows, csrf_token=context.get("csrf_token"),
                     next_url=request.get_full_path() if request is not None else "", signer=signer)
