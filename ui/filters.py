"""The dossier list's filters, shared by the page (`web.views.DossierFilter`, which adds the
organisation chooser's choices) and the API (`api.views.DossierList`): the same state,
organisation, year and name search, on the same scoped queryset."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy

from dossiers.formatting import fold
from dossiers.models import Dossier, Organization, State
from permissions.scoping import visible_organizations

# The list's orders ("" = the default: newest on the list first).
SORTS = {
    "": ("-spotted_on", "-id"),
    "name": ("candidate__search_name", "id"),
    "-changed": ("-last_change", "-id"),
    "spotted": ("spotted_on", "id"),
}


def _scoped_organizations(request):
    if request is None:
        return Organization.objects.none()
    return visible_organizations(request.user).order_by("path")


class DossierFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=gettext_lazy("Candidate name"), method="filter_name")
    organization = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Party organisation"), queryset=_scoped_organizations, method="filter_organization",
        empty_label=gettext_lazy("All"),
    )
    state = django_filters.ChoiceFilter(label=gettext_lazy("State"), choices=State.choices,
                                        empty_label=gettext_lazy("All"))
    year = django_filters.ChoiceFilter(label=gettext_lazy("Year"), empty_label=gettext_lazy("All"))
    sort = django_filters.ChoiceFilter(
        label=gettext_lazy("Sort by"), method="filter_sort", empty_label=gettext_lazy("Newest on the list"),
        choices=[
            ("-changed", gettext_lazy("Last change")),
            ("name", gettext_lazy("Name (A–Z)")),
            ("spotted", gettext_lazy("Oldest on the list")),
        ],
    )

    class Meta:
        model = Dossier
        fields = []

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["year"].extra["choices"] = [(str(y), str(y)) for y in years]
        self.form.label_suffix = ""

    def filter_name(self, queryset, name, value):
        for word in fold(value).split():
            queryset = queryset.filter(candidate__search_name__contains=word)
        return queryset

    def filter_organization(self, queryset, name, org):
        return queryset.filter(cell__path__startswith=org.path)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS[""]))

    @property
    def is_filtered(self) -> bool:
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        return any(data.get(k) not in (None, "") for k in ("q", "organization", "state", "year"))
