"""The dashboard's figures tables rendered in Python: ~75 rows of nine cells and four links each through the
template engine cost as much CPU as computing the figures."""

from html import escape

from django import template
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.formats import get_format, localize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

HEAD = (
    "Registered",
    "In progress",
    "Overdue",
    "Completed",
    "On time, %",
    "Average days / allowed",
    "Refusals",
    "Fees, UAH",
)
ROW = (
    '<tr><th scope="row">{name}</th><td class="text-end"><a href="{registered_link}">{registered}</a></td>'
    '<td class="text-end"><a href="{open_link}">{open}</a></td>'
    '<td class="text-end"><a href="{overdue_link}"{overdue_class}>{overdue}</a></td>'
    '<td class="text-end">{completed}</td><td class="text-end">{on_time}</td><td class="text-end">{days}</td>'
    '<td class="text-end"><a href="{refused_link}">{refused}</a></td><td class="text-end">{fees}</td></tr>'
)


def _template_msg(text: str) -> str:
    """gettext as {% translate %} does it: a template's msgid has its % doubled."""
    return _(text.replace("%", "%%")).replace("%%", "%")


def _number_format():
    """A number as ``{{ value }}`` shows it: localised; ints and floats without the per-value format lookups
    when no thousand separator is used (the decimal separator of the active language, read once)."""
    if settings.USE_THOUSAND_SEPARATOR:
        return lambda value: escape(str(localize(value)))
    separator = get_format("DECIMAL_SEPARATOR")

    def number(value) -> str:
        if type(value) is int:
            return str(value)
        if type(value) is float and "e" not in repr(value):
            return str(value).replace(".", separator)
        return escape(str(localize(value)))

    return number


@register.simple_tag
def figures_table(rows, caption, first_column, testid):
    """The table of ``rows`` (reporting.selectors.dashboard.Row): the same HTML the template gave. Every value
    is escaped here; the result is marked safe once."""
    _number = _number_format()
    head = "".join(f'<th scope="col" class="text-end">{escape(_template_msg(label))}</th>' for label in HEAD)
    body = []
    for row in rows:
        f = row.figures
        links = row.links()
        on_time = _number(f.on_time_percent) if f.on_time_percent is not None else "—"
        days = f"{_number(f.average_days)} / {_number(f.average_term_days)}" if f.average_days is not None else "—"
        body.append(
            ROW.format(
                name=escape(str(row.name)),
                registered_link=escape(links["registered"]),
                registered=_number(f.registered),
                open_link=escape(links["open"]),
                open=_number(f.open),
                overdue_link=escape(links["overdue"]),
                overdue_class=' class="text-danger fw-semibold"' if f.overdue else "",
                overdue=_number(f.overdue),
                completed=_number(f.completed),
                on_time=on_time,
                days=days,
                refused_link=escape(links["refused"]),
                refused=_number(f.refused),
                fees=escape(str(floatformat(f.fees, 2))),
            )
        )
    if not body:
        body.append(f'<tr><td colspan="9" class="text-muted">{escape(_("No data for this period."))}</td></tr>')
    return mark_safe(  # noqa: S308 - every value above went through escape()
        f'<div class="table-responsive"><table class="table table-sm table-striped align-middle" '
        f'data-testid="table-{escape(str(testid))}"><caption class="caption-top">{escape(str(caption))}</caption>'
        f'<thead><tr><th scope="col">{escape(str(first_column))}</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )
