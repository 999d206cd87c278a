"""
Every public page is valid HTML, as the Nu HTML Checker (vnu.jar, the W3C
validator's engine) reads it: no error and no warning, in both languages.

vnu.jar comes from the npm registry (`npm install --prefix .ci/node vnu-jar`,
which .ci/run does) and runs on the machine's Java; VNU_JAR names another
copy. Without Java or vnu.jar the test is skipped with a message, except
under CI=true, where that is a failure: CI must run it.
"""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.catalogue import build_catalogue, public_pages

VNU_JAR = Path(
    os.environ.get("VNU_JAR") or Path(__file__).parents[1] / ".ci/node/node_modules/vnu-jar/build/dist/vnu.jar"
)


def require_checker():
    """The java command, or a skip (a failure under CI=true) saying what is missing."""
    java = shutil.which("java")
    if java and VNU_JAR.exists():
        return java
    missing = "Java (apt-get install default-jre-headless)" if not java else f"{VNU_JAR}"
    message = (
        f"{missing} is missing: install it (npm install --prefix .ci/node vnu-jar) to check the HTML of public pages"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def all_public_pages(catalogue, lang):
    """tests/catalogue.py's pages, and those that need a record in a given state."""
    chatbot = catalogue.chatbot.record.public_id
    withdrawn = catalogue.withdrawn.record.public_id
    return [
        *public_pages(catalogue, lang),
        ("changes, compared", f"/{lang}/incidents/{chatbot}/changes/?from=1&to=2"),
        ("changes, with errors", f"/{lang}/incidents/{chatbot}/changes/?from=2&to=9"),
        ("withdrawn record", f"/{lang}/incidents/{withdrawn}/"),
        ("API", f"/{lang}/api/"),
        ("data", f"/{lang}/data/"),
    ]


def check_html(java, documents):
    """{name: [problems]} for the named HTML documents, checked in one run of vnu.jar."""
    with tempfile.TemporaryDirectory() as directory:
        files = {}
        for index, (name, html) in enumerate(documents.items()):
            path = Path(directory) / f"page-{index}.html"
            path.write_bytes(html)
            files[path] = name
        result = subprocess.run(
            [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--exit-zero-always", *map(str, files)],
            capture_output=True,
            check=True,
            timeout=300,
        )
    names = {f"file:{path}": name for path, name in files.items()}
    problems = {}
    for message in json.loads(result.stdout)["messages"]:
        if message["type"] == "info" and message.get("subType") != "warning":
            continue
        name = names.get(message.get("url"), message.get("url"))
        where = f"line {message.get('lastLine')}"
        problems.setdefault(name, []).append(f"{where}: {message['message']} {message.get('extract', '')!r}")
    return problems


@pytest.mark.django_db
def test_every_public_page_is_valid_html_in_both_languages(client):
    java = require_checker()
    catalogue = build_catalogue()
    documents = {}
    for lang in ("en", "fr"):
        for label, path in all_public_pages(catalogue, lang):
            response = client.get(path)
            assert response.status_code in (200, 400, 404, 410), (label, path, response.status_code)
            assert response["Content-Type"].startswith("text/html"), (label, path)
            documents[f"{label} {path}"] = response.content
    problems = check_html(java, documents)
    assert problems == {}, "\n".join(f"{page}: {problem}" for page, found in problems.items() for problem in found)
