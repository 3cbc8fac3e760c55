"""The dashboard's figures tables rendered in Python (reporting/templatetags/dashboard_tables.py) give the HTML
the template gave: the same cells, links, localised numbers and escaping."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import engines
from django.test.html import parse_html
from django.utils import translation

from reporting.selectors.dashboard import Figures, Row
from reporting.templatetags.dashboard_tables import figures_table

# The template the tag replaced, verbatim.
TEMPLATE = """{% load i18n l10n %}
<div class="table-responsive">
<table class="table table-sm table-striped align-middle" data-testid="table-{{ testid }}">
  <caption class="caption-top">{{ caption }}</caption>
  <thead>
    <tr>
      <th scope="col">{{ first_column }}</th>
      <th scope="col" class="text-end">{% translate "Registered" %}</th>
      <th scope="col" class="text-end">{% translate "In progress" %}</th>
      <th scope="col" class="text-end">{% translate "Overdue" %}</th>
      <th scope="col" class="text-end">{% translate "Completed" %}</th>
      <th scope="col" class="text-end">{% translate "On time, %" %}</th>
      <th scope="col" class="text-end">{% translate "Average days / allowed" %}</th>
      <th scope="col" class="text-end">{% translate "Refusals" %}</th>
      <th scope="col" class="text-end">{% translate "Fees, UAH" %}</th>
    </tr>
  </thead>
  <tbody>
  {% for row in rows %}
    <tr>
      <th scope="row">{{ row.name }}</th>
      <td class="text-end"><a href="{{ row.link_registered }}">{{ row.figures.registered }}</a></td>
      <td class="text-end"><a href="{{ row.link_open }}">{{ row.figures.open }}</a></td>
      <td class="text-end"><a href="{{ row.link_overdue }}"{% if row.figures.overdue %} class="text-danger fw-semibold"{% endif %}>{{ row.figures.overdue }}</a></td>
      <td class="text-end">{{ row.figures.completed }}</td>
      <td class="text-end">{% if row.figures.on_time_percent is not None %}{{ row.figures.on_time_percent }}{% else %}—{% endif %}</td>
      <td class="text-end">{% if row.figures.average_days is not None %}{{ row.figures.average_days }} / {{ row.figures.average_term_days }}{% else %}—{% endif %}</td>
      <td class="text-end"><a href="{{ row.link_refused }}">{{ row.figures.refused }}</a></td>
      <td class="text-end">{{ row.figures.fees|floatformat:2 }}</td>
    </tr>
  {% empty %}
    <tr><td colspan="9" class="text-muted">{% translate "No data for this period." %}</td></tr>
  {% endfor %}
  </tbody>
</table>
</div>"""  # noqa: E501


def rows():
    busy = Figures(registered=1234, fees=Decimal("84.50"), completed=7, completed_on_time=5, processing_days_sum=23,
                   legal_term_days_sum=70, refused=2, open=3, overdue=1)  # fmt: skip
    quiet = Figures(registered=1)
    period = {"date_from": dt.date(2025, 1, 1), "date_to": dt.date(2025, 12, 31)}
    return [
        Row(key=1, name="Послуга <b> & «лапки»", figures=busy, filters={"service": 1, "office": None}, **period),
        Row(key=2, name="Тиха", figures=quiet, filters={"office": 2}, **period),
    ]


@pytest.mark.parametrize("language", ["uk", "en"])
@pytest.mark.parametrize("data", [rows, list])
def test_the_tag_renders_what_the_template_rendered(language, data):
    with translation.override(language):
        context = {"rows": data(), "caption": "За послугами", "first_column": "Послуга", "testid": "service"}
        expected = engines["django"].from_string(TEMPLATE).render(context)
        got = figures_table(context["rows"], context["caption"], context["first_column"], "service")
    assert parse_html(got) == parse_html(expected)
    if data is rows:
        assert "&lt;b&gt;" in got and ("84,50" if language == "uk" else "84.50") in got


def test_row_links_are_the_list_urls_of_the_figures():
    from applications.constants import ApplicationStatus
    from reporting.selectors.dashboard import OPEN_STATUSES, list_url

    for row in rows() + [Row(key=3, name="Без періоду", figures=Figures(), filters={"office": None})]:
        period = {"registered_from": row.date_from, "registered_to": row.date_to}
        closed = {"closed_from": row.date_from, "closed_to": row.date_to}
        iso = {k: v.isoformat() for k, v in period.items() if v}
        closed_iso = {k: v.isoformat() for k, v in closed.items() if v}
        assert row.links() == {
            "registered": list_url(**row.filters, **iso),
            "refused": list_url(status=ApplicationStatus.REFUSED, **row.filters, **closed_iso),
            "open": list_url(status=OPEN_STATUSES, **row.filters),
            "overdue": list_url("overdue", **row.filters),
        }
        assert row.link_open.startswith("/applications/?status=")
