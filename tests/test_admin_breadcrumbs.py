"""The workflow pages of the admin show Django's breadcrumb bar (an ordered
list, as the admin's own pages do), and it never names the same thing twice."""

import re

import pytest
from django.urls import reverse

from tests.factories import ApprovedVersionFactory, record_of

pytestmark = pytest.mark.django_db


def crumbs(html):
    bar = re.search(r'<ol class="breadcrumbs">(.*?)</ol>', html, re.S)
    assert bar, "no breadcrumb bar"
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", bar.group(1), re.S)]


@pytest.mark.parametrize("page", ["review", "publish", "timeline"])
def test_workflow_pages_show_the_breadcrumb_bar_without_repeating_a_name(client, superuser, page):
    version = ApprovedVersionFactory()
    url = {
        "review": reverse("admin:incidents_recordversion_review", args=[version.pk]),
        "publish": reverse("admin:incidents_recordversion_publish", args=[version.pk]),
        "timeline": reverse("admin:incidents_record_timeline", args=[record_of(version).pk]),
    }[page]
    client.force_login(superuser)
    names = crumbs(client.get(url).content.decode())
    assert names[0] == "Home" and names[1] == "Incidents and hazards"
    assert len(names) == len(set(names)) == 5, names
