"""{% document_rows dossier step as rows %}: the forms of a dossier (or of one step) for the panels."""

from __future__ import annotations

from django import template

from documents.panels import default_signer, form_rows

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
