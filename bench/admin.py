#!/usr/bin/env python
"""
Admin speed at scale: the version editor, the review screen, the publish
page and ``workflow.publish`` on a 100,000-record database. See
bench/README.md, "Admin at scale".

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dossier_bench_admin .venv/bin/python bench/admin.py

The database must already hold the records (bench/run.py --records 100000
makes them, or a copy of such a database); its name must contain "bench",
since this script writes there: four staff accounts, reference rows, and new
versions of existing records, all through the workflow and ordinary saves
(as the admin makes them), never bulk writes.

Steps:
1. three published incidents get a revision (``workflow.start_revision``)
   topped up to 150 parts of every kind (citations, harms, recommendations
   with further authorities, entities, classifications, jurisdictions,
   hazard links, external ids), each part saved on its own by the editor;
   the first stays a draft (the editor's page), the second is submitted
   (the review screen, as a reviewer who has not signed it), the third is
   submitted and approved by two reviewers (the publish page, as publisher);
2. gunicorn starts with the bench settings (production settings, DEBUG off,
   the database task backend as in production), and one keep-alive client
   with each account's session cookie requests, in turn each round: the
   trivial view, the editor's GET, the POST of that same form unchanged
   (``_save``: it must answer 302), the review screen and the publish page;
3. ``workflow.publish`` is timed on fresh versions with 50 citations
   (each a new revision, submitted and approved), in this process.

Targets (issue 12): editor and review screen p95 <= 500 ms for a 150-part
version; publishing a version with 50 citations <= 300 ms.
"""

import argparse
import http.client
import logging
import os
import secrets
import statistics
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.database import bench_database_url  # noqa: E402 (run as a script: the project goes on sys.path first)
from bench.run import free_port, percentile, start_server, stop_server  # noqa: E402

PARTS = 150
# How a 150-part version is made up, by the parts' related names; a
# revision's copied parts count towards these.
MIX = {
    "citations": 50,
    "harms": 20,
    "recommendations": 10,
    "recommendation_authorities": 10,
    "entity_roles": 30,
    "classifications": 15,
    "jurisdictions": 10,
    "hazard_links": 3,
    "external_ids": 2,
}
if sum(MIX.values()) != PARTS:
    raise SystemExit("MIX must add up to PARTS")
PUBLISH_CITATIONS = 50
TARGET_PAGE_P95_MS = 500
TARGET_PUBLISH_MS = 300
COUNTRIES = ["CA", "US", "FR", "GB", "DE", "BE", "CH", "JP", "AU", "BR", "IN", "KR", "MX", "NL", "SE"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=60, help="measured rounds of requests (default 60)")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured rounds first (default 5)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--publish-runs", type=int, default=7, help="fresh versions to publish, timed (default 7)")
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    return parser.parse_args()


def setup_django():
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    # The workflow's security log (one line per transition) would bury the figures.
    logging.disable(logging.INFO)


# Accounts --------------------------------------------------------------------------


def accounts():
    """{role: user}: an editor, two reviewers and a publisher, staff, each in
    its group (incidents/publishing/roles.py)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from incidents.publishing import roles

    roles.ensure_role_groups()
    users = {}
    for name, group in [
        ("editor", roles.EDITORS),
        ("reviewer1", roles.REVIEWERS),
        ("reviewer2", roles.REVIEWERS),
        ("publisher", roles.PUBLISHERS),
    ]:
        user, created = get_user_model().objects.get_or_create(
            username=f"bench-admin-{name}", defaults={"email": f"bench-admin-{name}@example.org", "is_staff": True}
        )
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(Group.objects.get(name=group))
        users[name] = user
    return users


def session_cookie(user):
    """The session cookie of ``user`` logged in (a session row the server reads)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# Content ---------------------------------------------------------------------------


class Pool:
    """Reference rows the new parts show, created once per run by ordinary
    saves (so each has its history row, which pins point at)."""

    def __init__(self, editor):
        from evidence.models import Source, SourceType
        from incidents.models import Kind, Record
        from taxonomy.models import HARM_TYPE, Entity, Term

        token = secrets.token_hex(4)
        self.sources = []
        for n in range(MIX["citations"] + MIX["recommendations"]):
            source = Source(
                title=f"Bench advisory {token}-{n}",
                publisher_en="Royal Canadian Mounted Police",
                publisher_fr="Gendarmerie royale du Canada",
                url=f"https://example.org/bench/{token}/{n}",
                language="en",
                source_type=SourceType.GOVERNMENT_ADVISORY,
            )
            source._history_user = editor
            source.save()
            self.sources.append(source)
        self.entities = []
        for n in range(MIX["entity_roles"] + MIX["recommendations"] + MIX["recommendation_authorities"]):
            entity = Entity(slug=f"bench-{token}-{n}", name_en=f"Bench agency {n}", name_fr=f"Agence {n}")
            entity._history_user = editor
            entity.save()
            self.entities.append(entity)
        self.terms = list(Term.objects.select_related("taxonomy").order_by("pk"))
        self.harm_types = [term for term in self.terms if term.taxonomy.slug == HARM_TYPE] or [None]
        self.hazards = list(Record.objects.published().filter(kind=Kind.HAZARD).order_by("pk")[:20])


def published_incidents(count):
    """``count`` published incidents with no open version, the largest ids first."""
    from incidents.models import EDITABLE_STATUSES, Kind, Record, Status

    open_statuses = [*EDITABLE_STATUSES, Status.IN_REVIEW, Status.APPROVED]
    return list(
        Record.objects.published()
        .filter(kind=Kind.INCIDENT, live_version__isnull=False)
        .exclude(versions__status__in=open_statuses)
        .order_by("-pk")[:count]
    )


def _save(part, editor):
    part._history_user = editor
    part.save()
    return part


def revision(record, users, pool, mix):
    """A new draft of ``record`` (``workflow.start_revision``) topped up to
    ``mix`` parts, each saved on its own by the editor."""
    from incidents.models import (
        Citation,
        Classification,
        EntityRole,
        ExternalId,
        Harm,
        HazardLink,
        Jurisdiction,
        PolicyRecommendation,
        RecommendationAuthority,
        Role,
    )
    from incidents.publishing import workflow

    editor = users["editor"]
    draft = workflow.start_revision(record, by=editor)

    def missing(name):
        return max(0, mix.get(name, 0) - getattr(draft, name).count())

    cited = set(draft.citations.values_list("source_id", flat=True))
    sources = [source for source in pool.sources if source.pk not in cited]
    for n in range(missing("citations")):
        _save(
            Citation(
                version=draft,
                source=sources[n],
                key=f"bench-{n}",
                label_en=f"Advisory {n}, 2025",
                label_fr=f"Avis {n}, 2025",
                corroborates_en="The dates and the scale of the scheme.",
                corroborates_fr="Les dates et l’ampleur du stratagème.",
                order=100 + n,
            ),
            editor,
        )
    for n in range(missing("harms")):
        _save(
            Harm(
                version=draft,
                description_en=f"Applicants were deceived in interview {n}.",
                description_fr=f"Des candidats ont été trompés lors de l’entrevue {n}.",
                harm_type=pool.harm_types[n % len(pool.harm_types)],
                affected_group_en="Job applicants",
                affected_group_fr="Candidats",
                order=100 + n,
            ),
            editor,
        )
    recommendations = []
    for n in range(missing("recommendations")):
        recommendations.append(
            _save(
                PolicyRecommendation(
                    version=draft,
                    text_en=f"Verify the identity of remote applicants ({n}).",
                    text_fr=f"Vérifier l’identité des candidats à distance ({n}).",
                    authority=pool.entities[n],
                    source=pool.sources[MIX["citations"] + n],
                    attribution_en="Joint advisory",
                    attribution_fr="Avis conjoint",
                    order=100 + n,
                ),
                editor,
            )
        )
    recommendations = recommendations or list(draft.recommendations.all())
    offset = MIX["recommendations"]
    for n in range(missing("recommendation_authorities") if recommendations else 0):
        _save(
            RecommendationAuthority(
                version=draft,
                recommendation=recommendations[n % len(recommendations)],
                entity=pool.entities[offset + n],
                order=100 + n,
            ),
            editor,
        )
    offset += MIX["recommendation_authorities"]
    named = set(draft.entity_roles.values_list("entity_id", "role"))
    for n in range(missing("entity_roles")):
        entity = pool.entities[offset + n]
        role = Role.values[n % len(Role.values)]
        if (entity.pk, role) not in named:
            _save(EntityRole(version=draft, entity=entity, role=role, order=100 + n), editor)
    classified = set(draft.classifications.values_list("term_id", flat=True))
    for n, term in enumerate([term for term in pool.terms if term.pk not in classified][: missing("classifications")]):
        _save(Classification(version=draft, term=term, order=100 + n), editor)
    for n in range(missing("jurisdictions")):
        _save(
            Jurisdiction(
                version=draft,
                country=COUNTRIES[n % len(COUNTRIES)],
                region_en=f"Region {n}",
                region_fr=f"Région {n}",
                order=100 + n,
            ),
            editor,
        )
    linked = set(draft.hazard_links.values_list("hazard_id", flat=True))
    for n, hazard in enumerate([h for h in pool.hazards if h.pk not in linked][: missing("hazard_links")]):
        _save(HazardLink(version=draft, hazard=hazard, order=100 + n), editor)
    for n in range(missing("external_ids")):
        _save(ExternalId(version=draft, database="aiid", value=f"{9000 + draft.pk}{n}", order=100 + n), editor)
    return draft


def part_count(version):
    from incidents.models import VERSION_PART_MODELS

    return sum(model.objects.filter(version=version).count() for model in VERSION_PART_MODELS)


def submit_and_approve(version, users, approve=True):
    from incidents.models import Check, Decision
    from incidents.publishing import review, workflow

    workflow.submit(version, by=users["editor"])
    if not approve:
        return
    for check, reviewer in [(Check.NEUTRALITY, users["reviewer1"]), (Check.FACTUALITY, users["reviewer2"])]:
        answers = [workflow.ChecklistAnswer(item=item, ticked=True) for item in review.checklist(check)]
        workflow.sign_off(version, by=reviewer, check=check, decision=Decision.APPROVE, answers=answers)


# The client ------------------------------------------------------------------------


class FormFields(HTMLParser):
    """The fields a browser sends when the form ``form_id`` is submitted as
    it is: inputs (checked boxes only), text areas and selected options,
    leaving out buttons and disabled fields."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self.textarea = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value") or "on"))
                return
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            # Browsers drop the newline that follows <textarea>.
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == "select":
            self.select = None


class Client:
    """One keep-alive connection with a session cookie, timing each request."""

    def __init__(self, port, session=None):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies = {"sessionid": session} if session else {}

    def request(self, method, path, body=None, expect=200):
        headers = {"Host": "127.0.0.1", "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        elapsed = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.status != expect:
            raise SystemExit(
                f"{method} {path} answered {response.status}, not {expect}:\n{content[:800].decode(errors='replace')}"
            )
        self.last_body = content.decode()
        return elapsed

    def get(self, path):
        return self.request("GET", path)

    def post_form_again(self, path, form_id):
        """POST the form of the last page, unchanged, to ``path``: the admin
        answers a valid save with a redirect."""
        parser = FormFields(form_id)
        parser.feed(self.last_body)
        fields = [*parser.fields, ("_save", "Save")]
        return self.request("POST", path, body=urlencode(fields), expect=302)


# Measuring ---------------------------------------------------------------------------


def measure_pages(port, users, versions, requests, warmup):
    from django.urls import reverse

    editor_page = reverse("admin:incidents_recordversion_change", args=[versions["draft"].pk])
    review_page = reverse("admin:incidents_recordversion_review", args=[versions["in_review"].pk])
    publish_page = reverse("admin:incidents_recordversion_publish", args=[versions["approved"].pk])
    editor = Client(port, session_cookie(users["editor"]))
    reviewer = Client(port, session_cookie(users["reviewer2"]))
    publisher = Client(port, session_cookie(users["publisher"]))
    bare = Client(port)
    steps = {
        "trivial view": lambda: bare.get("/bench/trivial/"),
        "editor GET": lambda: editor.get(editor_page),
        "editor POST (save)": lambda: editor.post_form_again(editor_page, "recordversion_form"),
        "review screen GET": lambda: reviewer.get(review_page),
        "publish page GET": lambda: publisher.get(publish_page),
    }
    timings = {name: [] for name in steps}
    for round_number in range(warmup + requests):
        for name, step in steps.items():
            elapsed = step()
            if round_number >= warmup:
                timings[name].append(elapsed)
    return timings


def measure_publish(users, pool, runs):
    """Wall time of ``workflow.publish`` on ``runs`` fresh versions with
    ``PUBLISH_CITATIONS`` citations each (and the parts copied with them)."""
    from incidents.publishing import workflow

    times, parts = [], []
    for record in published_incidents(runs):
        version = revision(record, users, pool, {"citations": PUBLISH_CITATIONS})
        submit_and_approve(version, users)
        parts.append(part_count(version))
        started = time.perf_counter()
        workflow.publish(
            version, by=users["publisher"], change_note_en="Fifty sources cited.", change_note_fr="Cinquante sources."
        )
        times.append(time.perf_counter() - started)
    return times, parts


def report(timings, publish_times, publish_parts, records, sizes):
    baseline = percentile(timings["trivial view"], 0.5)
    print()
    print(
        f"Dossier admin bench: {records} records, PostgreSQL, gunicorn, DEBUG off, one client; "
        f"versions of {', '.join(f'{name} {size}' for name, size in sizes.items())} parts"
    )
    print(f"{'page':<22}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'× bare':>8}")
    verdicts = []
    for name, values in timings.items():
        p50, p95, p99 = (percentile(values, f) for f in (0.5, 0.95, 0.99))
        print(f"{name:<22}{len(values):>9}{p50 * 1000:>9.1f}{p95 * 1000:>9.1f}{p99 * 1000:>9.1f}{p50 / baseline:>8.1f}")
        if name in ("editor GET", "editor POST (save)", "review screen GET"):
            verdicts.append((name, p95 * 1000 <= TARGET_PAGE_P95_MS, f"p95 {p95 * 1000:.0f} ms"))
    if publish_times:
        median = statistics.median(publish_times)
        print(
            f"{'workflow.publish':<22}{len(publish_times):>9}"
            f"  median {median * 1000:.1f} ms (min {min(publish_times) * 1000:.1f}, "
            f"max {max(publish_times) * 1000:.1f}); {PUBLISH_CITATIONS} citations, "
            f"{min(publish_parts)}-{max(publish_parts)} parts in all; {median / baseline:.1f}× bare"
        )
        verdicts.append(("publish", median * 1000 <= TARGET_PUBLISH_MS, f"median {median * 1000:.0f} ms"))
    print()
    print(
        "× bare: the median over the trivial view's, both measured in this run on this machine; "
        "absolute times are not comparable across machines."
    )
    for name, met, figure in verdicts:
        target = f"{TARGET_PUBLISH_MS} ms" if name == "publish" else f"p95 {TARGET_PAGE_P95_MS} ms"
        print(f"{name}: {figure}, target {target}: {'met' if met else 'NOT met'}")


def main():
    args = parse_args()
    bench_database_url("bench/admin.py", "dossier_bench_admin", "staff accounts and new versions")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.pop("DEBUG", None)
    # As in production (README.md, "Production"): e-mails wait in the
    # database for a worker, they are not sent inside the request.
    os.environ["TASKS_BACKEND"] = "database"
    setup_django()
    from django.core.management import call_command
    from django.db import connections

    from bench.generate import check_database_is_for_benchmarks
    from incidents.models import Record

    check_database_is_for_benchmarks()
    call_command("migrate", verbosity=0)
    records = Record.objects.count()
    if records == 0:
        sys.exit("The database holds no records: fill it first (bench/run.py --records 100000).")
    users = accounts()
    pool = Pool(users["editor"])
    chosen = published_incidents(3)
    versions = {}
    for key, record in zip(["draft", "in_review", "approved"], chosen, strict=True):
        versions[key] = revision(record, users, pool, MIX)
    submit_and_approve(versions["in_review"], users, approve=False)
    submit_and_approve(versions["approved"], users)
    sizes = {key: part_count(version) for key, version in versions.items()}
    # The pool's reference rows are new: a draft's are shown as they are.
    publish_times, publish_parts = measure_publish(users, Pool(users["editor"]), args.publish_runs)

    connections.close_all()
    port = args.port or free_port()
    server = start_server(port, args.workers)
    try:
        timings = measure_pages(port, users, versions, args.requests, args.warmup)
    finally:
        stop_server(server)
    report(timings, publish_times, publish_parts, records, sizes)


if __name__ == "__main__":
    main()
