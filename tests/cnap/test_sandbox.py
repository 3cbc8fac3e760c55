"""Staff-written templates in the sandbox: a small allowed set of tags and filters, no loaders."""

import pytest
from django.core.exceptions import ValidationError

from cnap.sandbox import ALLOWED_TAGS, render_template, validate_template


@pytest.mark.parametrize(
    "template",
    [
        '{% include "base.html" %}',
        '{% extends "base.html" %}',
        "{% load static %}",
        '{% ssi "/etc/passwd" %}',
        "{% debug %}",
        '{% url "home" %}',
        "{% csrf_token %}",
        "{% block x %}{% endblock %}",
        "{% lorem %}",
        "{% regroup a by b as c %}",
    ],
)
def test_tags_outside_the_allowed_set_are_refused_naming_the_tag(template):
    with pytest.raises(ValidationError) as info:
        validate_template(template)
    tag = template.split()[1]
    assert f"{{% {tag} %}}" in info.value.messages[0]
    assert ", ".join(ALLOWED_TAGS) in info.value.messages[0]


@pytest.mark.parametrize("template", ["{{ x|pprint }}", "{{ x|safe }}", "{{ x.__class__ }}", "{% if %}"])
def test_filters_outside_the_set_and_broken_syntax_are_refused(template):
    with pytest.raises(ValidationError):
        validate_template(template)


def test_allowed_templates_render_over_plain_values():
    text = (
        "Видати {{ applicant.dative }} довідку № {{ number|upper }}."
        "{% if grounds %} Підстави: {{ grounds|join:'; ' }}.{% endif %}"
        "{% for g in grounds %}{% empty %} Без підстав.{% endfor %}"
    )
    validate_template(text)
    assert render_template(text, {"applicant": {"dative": "Шевченку Т. Г."}, "number": "р-1", "grounds": []}) == (
        "Видати Шевченку Т. Г. довідку № Р-1. Без підстав."
    )


def test_a_filter_failing_on_a_value_is_a_message_not_an_error():
    with pytest.raises(ValidationError):
        render_template('{{ s|wordwrap:"x" }}', {"s": "Шевченко"})  # wordwrap raises on a bad width
