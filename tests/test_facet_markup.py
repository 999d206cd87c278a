"""
The list's facet checkboxes written in Python for speed
(``facet_options`` in incidents/public/templatetags/browse.py) are exactly
the markup of the template that specifies them
(templates/incidents/_facet_options.html): the same HTML, byte for byte, in
English and French, whatever the labels, counts and nesting.
"""

import pytest
from django.template.loader import get_template
from django.utils import translation

from incidents.public.browse.facets import Facet, Option
from incidents.public.templatetags.browse import facet_options
from taxonomy.models import Entity, Term


def facets():
    """Facets of every shape: plain labels with characters to escape,
    counts past a thousand, chosen options, terms nested two deep with a
    name not yet translated, entities as labels."""
    translated = Term(slug="finance", name_en="Finance & banks", name_fr="Finance et banques")
    untranslated = Term(slug="loans", name_en="Loans <small>", name_fr="")
    deepest = Term(slug="payday", name_en="Payday", name_fr="Prêts sur salaire")
    return [
        Facet("kind", "Kind", [Option("incident", "Incident", 12345, True), Option("hazard", 'Hazard "x"', 0, False)]),
        Facet(
            "entity", "Entity", [Option("acme-ai", Entity(slug="acme-ai", name_en="Acme <AI>", name_fr=""), 7, False)]
        ),
        Facet(
            "term-sector",
            "Sector",
            [
                Option(
                    "finance",
                    translated,
                    1000,
                    False,
                    [Option("loans", untranslated, 999, True, [Option("payday", deepest, 1, False)])],
                ),
                Option("a&b", "A & B", 3, False),
            ],
        ),
        Facet("country", "Country", []),
    ]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_facet_checkboxes_written_in_python_are_the_templates_markup(lang):
    template = get_template("incidents/_facet_options.html")
    with translation.override(lang):
        for facet in facets():
            expected = template.render({"facet": facet, "options": facet.options})
            assert str(facet_options(facet)) == expected
    # Not a comparison of two empty strings: the shapes above are all there.
    with translation.override(lang):
        html = str(facet_options(facets()[2]))
    assert "&lt;small&gt;" in html and 'value="a&amp;b"' in html and html.count('class="facet__options"') == 3
