from django import template

from ..scope import may_import, may_see_records

register = template.Library()


@register.filter
def sees_imports(user) -> bool:
    """The menu shows "Nhập dữ liệu" to importers and to those who read the record of imports."""
    return may_import(user) or may_see_records(user)
