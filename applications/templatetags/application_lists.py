"""The rows of a list page rendered in Python: 50 rows through the template engine (a URL, two dates, a
truncation, three related names per row) cost more CPU than the rest of the page."""

from html import escape

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from ..constants import ApplicationStatus
from ..selectors.lookups import row_labels

register = template.Library()

ROW = (
    '<tr data-testid="application-row"><td class="text-nowrap"><a href="{}{}/">{}</a></td>'
    '<td class="text-nowrap">{}</td><td>{}</td><td class="small">{}</td><td class="small">{}</td>'
    '<td><span class="badge text-bg-secondary">{}</span></td><td class="text-nowrap">{}{}</td>'
    '<td class="small">{}</td></tr>'
)


def _short(text: str, length: int = 80) -> str:
    return Truncator(text).chars(length) if len(text) > length else text


@register.simple_tag
def application_rows(rows, today):
    """``<tr>`` of each application (page_rows() fields), or the «no applications» row. Every value is escaped
    here (html.escape), the joined rows are marked safe once."""
    if not rows:
        return format_html('<tr><td colspan="8" class="text-muted">{}</td></tr>', _("No applications match."))
    detail = escape(reverse("applications:detail", args=[0])[:-2])  # "/applications/" + pk + "/"
    labels = row_labels()
    offices, titles, providers = labels.offices, labels.titles, labels.providers
    statuses = {value: escape(str(label)) for value, label in ApplicationStatus.choices}
    overdue = f' <span class="badge text-bg-danger">{escape(_("overdue"))}</span>'
    out = []
    for app in rows:
        late = not app.closed_at and app.due_date < today and app.status != ApplicationStatus.SUSPENDED
        title = titles.get(app.service_version_id) or app.service_version.title
        out.append(
            ROW.format(
                detail,
                int(app.pk),
                escape(app.number),
                timezone.localtime(app.registered_at).strftime("%d.%m.%Y %H:%M"),
                escape(app.applicant.display_name),
                escape(_short(title)),
                escape(providers.get(app.provider_id) or str(app.provider)),
                statuses.get(app.status) or escape(app.status),
                app.due_date.strftime("%d.%m.%Y"),
                overdue if late else "",
                escape(offices.get(app.office_id) or str(app.office)),
            )
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above went through escape()
