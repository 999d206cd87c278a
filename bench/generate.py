"""
Bench data: many published records of realistic size, written fast.

This is the one place in Dossier that writes published records without
going through incidents.publishing.workflow (no sign-offs, no workflow events, no
edit history): ten thousand records through the workflow would take far too
long. The rows still satisfy every database constraint of the published
state (numbered versions with a publication date, one published version
per record, the live pointer on the record, at most one primary source per
version), so the public pages read them exactly as they read real ones.

It refuses to run against a database whose name does not contain "bench":
it must never touch a real database.
"""

import csv
import datetime
import itertools
import json
import random
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone, translation

from evidence.models import Source, SourceType
from incidents.models import (
    AssessmentStatus,
    Citation,
    Classification,
    DatePrecision,
    EntityRole,
    Harm,
    HazardLink,
    Jurisdiction,
    Kind,
    PolicyRecommendation,
    PublicIdCounter,
    Record,
    RecordVersion,
    Role,
    Severity,
    Status,
    VerificationLevel,
)
from incidents.publishing.workflow import refresh_list_entries
from taxonomy.models import AI_CAPABILITY, HARM_TYPE, LIFECYCLE_STAGE, SECTOR, Entity, Taxonomy, Term

BATCH = 1000
# Records (with their versions and parts) per transaction.
CHUNK = 2000

EN_WORDS = """
ai system model deepfake video voice clone synthetic identity fraud scam phishing operatives remote
hiring interview applicant employer company bank customer patient hospital school student teacher
police agency advisory report government regulator court ruling lawsuit data privacy breach leak
surveillance facial recognition camera algorithm bias discrimination loan credit insurance claim
chatbot assistant advice medical dosage health misinformation election campaign disinformation
social media platform content moderation recommendation harassment image generator children safety
autonomous vehicle driving crash pedestrian drone weapon military target security vulnerability
malware backdoor code developer deployer vendor contract procurement audit transparency accountability
translation error asylum immigration welfare benefit eligibility automated decision appeal review
worker labour wage scheduling warehouse delivery gig driver rating account suspension
researcher study paper evaluation benchmark test accuracy failure incident hazard harm risk
""".split()
EN_FUNCTION = "the of and to a in that was were by for on with as an at from its their which after".split()

FR_WORDS = """
système modèle hypertrucage vidéo voix clonage synthétique identité fraude arnaque hameçonnage agents
embauche entrevue candidat employeur entreprise banque client patient hôpital école élève enseignant
police organisme avis rapport gouvernement régulateur tribunal décision poursuite données vie privée
fuite surveillance reconnaissance faciale caméra algorithme biais discrimination prêt crédit assurance
réclamation agent conversationnel assistant conseil médical dosage santé désinformation élection
campagne réseaux sociaux plateforme modération recommandation harcèlement image générateur enfants
sécurité véhicule autonome conduite collision piéton drone arme militaire cible vulnérabilité
logiciel malveillant porte dérobée code concepteur fournisseur contrat audit transparence responsabilité
traduction erreur asile immigration prestation admissibilité décision automatisée appel révision
travailleur salaire horaire entrepôt livraison chauffeur évaluation compte suspension chercheur étude
article essai exactitude défaillance incident danger préjudice risque
""".split()
FR_FUNCTION = "le la les de des et à un une dans que par pour sur avec au aux du son leur qui après".split()

COUNTRIES = [
    "CA",
    "US",
    "FR",
    "GB",
    "DE",
    "AU",
    "KR",
    "JP",
    "IN",
    "BR",
    "BE",
    "CH",
    "NL",
    "ES",
    "IT",
    "SE",
    "MX",
    "NG",
    "ZA",
    "SG",
]

TAXONOMIES = {
    SECTOR: (
        "Sector",
        "Secteur",
        {
            "finance": ["banking", "insurance", "payments"],
            "health": ["hospitals", "pharmacy"],
            "public-services": ["immigration", "welfare", "policing"],
            "technology": ["software", "social-media"],
            "transport": [],
            "education": [],
            "employment": [],
        },
    ),
    HARM_TYPE: (
        "Harm type",
        "Type de préjudice",
        {
            "fraud": ["identity-fraud", "financial-fraud"],
            "physical-harm": [],
            "discrimination": [],
            "privacy-violation": [],
            "misinformation": [],
            "security-compromise": [],
        },
    ),
    AI_CAPABILITY: (
        "AI capability",
        "Capacité d'IA",
        {
            "generative-ai": ["deepfake-video", "voice-cloning", "text-generation"],
            "computer-vision": ["facial-recognition"],
            "decision-support": [],
            "autonomous-systems": [],
        },
    ),
    LIFECYCLE_STAGE: (
        "Lifecycle stage",
        "Étape du cycle de vie",
        {
            "design": [],
            "training": [],
            "deployment": [],
            "operation": [],
        },
    ),
}


def check_database_is_for_benchmarks():
    name = connection.settings_dict["NAME"] or ""
    if connection.vendor != "postgresql" or "bench" not in name:
        raise SystemExit(
            f"Refusing to write bench data into {connection.vendor} database {name!r}: "
            "use a PostgreSQL database whose name contains 'bench'."
        )


SYLLABLES = {
    "en": "ka lo ren mi sta vel or ban tri gu dep fen al son mar pol ex ter ing ly com pre".split(),
    "fr": "ka lo ré mi sta vel or ban tri gu dé fen al son mar pol ex ter ion ment com pré".split(),
}


class Writer:
    """Random text of realistic length and word frequencies, reproducible
    from a seed.

    Words follow a Zipf distribution over a 4,000-word vocabulary (made-up
    words around the domain's real ones), so a query word matches a
    realistic share of records: the commonest in most, a rare one in a few.
    """

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.en = self._vocabulary("en", EN_WORDS, EN_FUNCTION)
        self.fr = self._vocabulary("fr", FR_WORDS, FR_FUNCTION)

    def _vocabulary(self, lang, domain, function, size=4000):
        made_up, seen = [], set(domain)
        while len(made_up) < size - len(domain):
            word = "".join(self.rng.choices(SYLLABLES[lang], k=self.rng.randint(2, 4)))
            if word not in seen:
                seen.add(word)
                made_up.append(word)
        # Domain words spread from rank 20 to rank ~3,000.
        words = made_up[:]
        for position, word in enumerate(self.rng.sample(domain, len(domain))):
            words.insert(min(len(words), int(20 * 1.03**position)), word)
        # Cumulative weights, computed once: random.choices() would add up
        # 4,000 weights again on every call otherwise.
        cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))
        return words, cumulative, function

    def sentence(self, lang, words=16):
        vocabulary, cumulative, function = self.en if lang == "en" else self.fr
        count = max(4, int(self.rng.gauss(words, words / 3)))
        content = self.rng.choices(vocabulary, cum_weights=cumulative, k=count)
        glue = self.rng.choices(function, k=count // 2)
        tokens = [
            token for pair in zip(content, glue + [""] * (count - len(glue)), strict=True) for token in pair if token
        ]
        return tokens[0].capitalize() + " " + " ".join(tokens[1:]) + "."

    def text(self, lang, chars, citations=()):
        sentences, size = [], 0
        while size < chars:
            sentence = self.sentence(lang)
            if citations and self.rng.random() < 0.4:
                sentence = sentence[:-1] + f" [@{self.rng.choice(citations)}]."
            sentences.append(sentence)
            size += len(sentence) + 1
        paragraphs, current = [], []
        for sentence in sentences:
            current.append(sentence)
            if len(current) >= self.rng.randint(3, 6):
                paragraphs.append(" ".join(current))
                current = []
        if current:
            paragraphs.append(" ".join(current))
        return "\n\n".join(paragraphs)

    def title(self, lang, chars=None):
        """A title of about ``chars`` characters (cut at a word), or of about
        seven words."""
        if chars is None:
            return self.sentence(lang, words=7)[:-1][:200]
        title = self.sentence(lang, words=max(3, chars // 7))[:-1]
        while len(title) < chars:
            title += " " + self.sentence(lang, words=5)[:-1].lower()
        return title[:chars].rsplit(" ", 1)[0][:200] if len(title) > chars else title


def _bulk(model, rows):
    return model.objects.bulk_create(rows, batch_size=BATCH)


class Distributions:
    """How big a record is: its title and summary lengths, how many sources
    it cites and how many entities it names.

    Drawn from a snapshot of the AI Incident Database when one is given
    (``--aiid-dir``: a folder holding ``aiid_incidents_snapshot.csv``, with
    its ``title``, ``description``, ``reports`` and alleged
    deployer / developer / harmed parties columns), each draw one real
    incident's figure; otherwise from the built-in ranges below. Narratives,
    harms, recommendations, terms and dates have no counterpart there and
    keep the built-in ranges either way.
    """

    SNAPSHOT = "aiid_incidents_snapshot.csv"

    def __init__(self, rows=()):
        self.source = "built-in ranges"
        self.titles, self.summaries, self.citations, self.entities = [], [], [], []
        for row in rows:
            self.titles.append(len(row["title"]))
            self.summaries.append(len(row["description"]))
            self.citations.append(len(json.loads(row["reports"] or "[]")))
            named = set()
            for column in (
                "Alleged deployer of AI system",
                "Alleged developer of AI system",
                "Alleged harmed or nearly harmed parties",
            ):
                named.update(json.loads(row.get(column) or "[]"))
            self.entities.append(len(named))
        if self.titles:
            self.source = f"{len(self.titles)} AI Incident Database incidents"

    @classmethod
    def load(cls, folder):
        """From ``folder``'s snapshot if there is one, else the built-in ranges."""
        path = Path(folder) / cls.SNAPSHOT if folder else None
        if not path or not path.is_file():
            return cls()
        csv.field_size_limit(10**8)
        with path.open(newline="", encoding="utf-8") as handle:
            return cls(list(csv.DictReader(handle)))

    def title_length(self, rng):
        return max(20, rng.choice(self.titles)) if self.titles else rng.randint(40, 90)

    def summary_length(self, rng):
        return max(80, rng.choice(self.summaries)) if self.summaries else rng.randint(200, 400)

    def citation_count(self, rng):
        # At least one (a primary source); the long tail (one incident has
        # hundreds of reports) capped, as a reviewer would keep the key ones.
        return min(30, max(1, rng.choice(self.citations))) if self.citations else rng.randint(2, 5)

    def entity_count(self, rng):
        return min(12, max(1, rng.choice(self.entities))) if self.entities else rng.randint(2, 4)


def generate(records=10_000, seed=2026, log=print, aiid_dir=None, chunk=CHUNK):
    """``records`` published records, written ``chunk`` records (their
    versions and parts) per transaction, so memory stays bounded and the
    progress shows, whatever the number of records."""
    check_database_is_for_benchmarks()
    translation.activate("en")  # the untranslated columns get the English text
    rng = random.Random(seed)
    writer = Writer(seed)
    sizes = Distributions.load(aiid_dir)
    log(f"sizes from {sizes.source}")
    user, _created = get_user_model().objects.get_or_create(username="bench-publisher", defaults={"is_staff": True})

    with transaction.atomic():
        terms, entities, sources = _reference_data(writer, rng, records)
        record_rows, hazards = _records(rng, records)

    now = timezone.now()
    started = time.perf_counter()
    for first in range(0, len(record_rows), chunk):
        with transaction.atomic():
            _chunk(
                writer,
                rng,
                sizes,
                user,
                now,
                first,
                len(record_rows),
                record_rows[first : first + chunk],
                (terms, entities, sources, hazards),
            )
        done = min(first + chunk, len(record_rows))
        elapsed = time.perf_counter() - started
        remaining = elapsed / done * (len(record_rows) - done)
        log(f"  {done} / {len(record_rows)} records, {elapsed:.0f} s, about {remaining:.0f} s to go")
    # The public list's entries (``ListEntry``), which the workflow keeps
    # for real records: written here once for every generated record.
    with transaction.atomic():
        refresh_list_entries()
    log(f"list entries written, {time.perf_counter() - started:.0f} s")
    with transaction.atomic():
        related_records()
    log(f"related records written, {time.perf_counter() - started:.0f} s")


def related_records():
    """Five related records for every published record, as a real site has
    once ``incidents/related.py`` has run: without them the record page's
    statement for its related records read none, and a scan of every record
    it made at 100,000 records went unseen (bench/README.md). Synthetic:
    ``related.py`` would take hours here (one statement per record), and
    the page reads and shows these rows the same, whatever their scores."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM incidents_relatedrecord")
        cursor.execute(
            "INSERT INTO incidents_relatedrecord"
            " (record_id, related_id, rank, score, shared_entities, shared_harm_types, shared_sectors,"
            " shared_countries)"
            " SELECT r.id, o.id, k, 20 - k, 6 - k, k % 3, k % 2, 1"
            " FROM incidents_record r CROSS JOIN generate_series(1, 5) AS k"
            " JOIN incidents_record o ON o.id = r.id + 97 * k"
            " WHERE r.live_version_id IS NOT NULL AND o.live_version_id IS NOT NULL"
            " AND o.withdrawn_at IS NULL AND o.merged_into_id IS NULL"
        )


def _reference_data(writer, rng, records):
    log_terms = {}
    for order, (slug, (name_en, name_fr, tree)) in enumerate(TAXONOMIES.items()):
        taxonomy = Taxonomy.objects.create(slug=slug, name_en=name_en, name_fr=name_fr, order=order)
        for term_order, (parent_slug, children) in enumerate(tree.items()):
            parent = Term.objects.create(
                taxonomy=taxonomy,
                slug=parent_slug,
                name_en=parent_slug.replace("-", " ").capitalize(),
                name_fr=parent_slug.replace("-", " ").capitalize() + " (fr)",
                order=term_order,
            )
            log_terms.setdefault(slug, []).append(parent)
            for child_slug in children:
                log_terms[slug].append(
                    Term.objects.create(
                        taxonomy=taxonomy,
                        parent=parent,
                        slug=child_slug,
                        name_en=child_slug.replace("-", " ").capitalize(),
                        name_fr=child_slug.replace("-", " ").capitalize() + " (fr)",
                    )
                )
    entities = _bulk(
        Entity,
        [
            Entity(slug=f"entity-{n}", name_en=writer.title("en")[:80], name_fr=writer.title("fr")[:80])
            for n in range(max(100, records // 7))
        ],
    )
    sources = _bulk(
        Source,
        [
            Source(
                title=writer.title("en"),
                publisher_en=writer.title("en")[:60],
                publisher_fr=writer.title("fr")[:60],
                published_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange(2200)),
                url=f"https://example.org/reports/{n}",
                language=rng.choice(["en", "fr"]),
                source_type=rng.choice(SourceType.values),
            )
            for n in range(max(200, records * 4 // 5))
        ],
    )
    return log_terms, entities, sources


def _records(rng, records):
    counters = {Kind.INCIDENT: 0, Kind.HAZARD: 0}
    rows = []
    for _ in range(records):
        kind = Kind.HAZARD if rng.random() < 0.2 else Kind.INCIDENT
        counters[kind] += 1
        prefix = "INC" if kind == Kind.INCIDENT else "HAZ"
        rows.append(Record(kind=kind, number=counters[kind], public_id=f"{prefix}-{counters[kind]:04d}"))
    rows = _bulk(Record, rows)
    for kind, last in counters.items():
        PublicIdCounter.objects.update_or_create(kind=kind, defaults={"last_number": last})
    return rows, [r for r in rows if r.kind == Kind.HAZARD]


def _chunk(writer, rng, sizes, user, now, first, total, records, reference):
    terms, entities, sources, hazards = reference
    # Publications spread over three years, oldest first, whatever the count.
    step = datetime.timedelta(days=3 * 365) / total
    versions = []
    for index, record in enumerate(records, start=first):
        first_published = now - datetime.timedelta(days=3 * 365) + step * index
        revised = rng.random() < 0.15
        for number in (1, 2) if revised else (1,):
            published_at = first_published + datetime.timedelta(days=30 * (number - 1))
            version = _version(writer, rng, sizes, record, number, published_at, user)
            version.status = Status.PUBLISHED if number == (2 if revised else 1) else Status.SUPERSEDED
            versions.append(version)
    _bulk(RecordVersion, versions)
    parts = {
        model: []
        for model in (Harm, Citation, PolicyRecommendation, EntityRole, Classification, Jurisdiction, HazardLink)
    }
    for version in versions:
        _parts(writer, rng, version, parts, terms, entities, sources, hazards)
    for model, rows in parts.items():
        _bulk(model, rows)
    # The live pointers of the chunk's records, in one statement.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE incidents_record AS r SET live_version_id = v.id FROM incidents_recordversion AS v"
            " WHERE v.record_id = r.id AND v.status = %s AND r.id = ANY(%s)",
            [Status.PUBLISHED, [r.pk for r in records]],
        )


def vacuum():
    """Fresh statistics and visibility map, as autovacuum would leave them:
    the planner then sees the data as it is, and index-only scans work."""
    check_database_is_for_benchmarks()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _version(writer, rng, sizes, record, number, published_at, user):
    occurred = published_at.date() - datetime.timedelta(days=rng.randrange(10, 400))
    precision = rng.choices(DatePrecision.values, weights=[6, 2, 1, 1])[0]
    keys = [f"src-{n}" for n in range(sizes.citation_count(rng))]
    title_length, summary_length = sizes.title_length(rng), sizes.summary_length(rng)
    entity_count = sizes.entity_count(rng)
    fields = {}
    for lang in ("en", "fr"):
        fields.update(
            {
                f"title_{lang}": writer.title(lang, title_length),
                f"summary_{lang}": writer.text(lang, summary_length),
                f"narrative_{lang}": writer.text(lang, rng.randint(1500, 3500), keys),
                f"editorial_assessment_{lang}": writer.text(lang, rng.randint(300, 800), keys),
                f"change_note_{lang}": writer.sentence(lang, 10),
                f"ai_system_{lang}": writer.title(lang)[:100],
            }
        )
    if rng.random() < 0.1:  # some records not yet translated into French
        fields.update(title_fr="", summary_fr="", narrative_fr="")
    version = RecordVersion(
        record=record,
        number=number,
        published_at=published_at,
        published_by=user,
        created_by=user,
        occurred_on=occurred,
        occurred_until=occurred + datetime.timedelta(days=rng.randrange(1, 90))
        if precision == DatePrecision.RANGE
        else None,
        occurrence_precision=precision,
        first_reported_on=occurred + datetime.timedelta(days=rng.randrange(0, 30)),
        verification_level=rng.choice(VerificationLevel.values),
        severity=rng.choices(Severity.values, weights=[3, 4, 2, 1])[0],
        assessment_status=AssessmentStatus.ASSESSED,
        recommendations_status=AssessmentStatus.ASSESSED,
        taxonomy_status=AssessmentStatus.ASSESSED,
        **fields,
    )
    version.bench_keys = keys
    version.bench_entities = entity_count
    return version


def _parts(writer, rng, version, parts, terms, entities, sources, hazards):
    def both(chars):
        return {"en": writer.text("en", chars), "fr": writer.text("fr", chars)}

    for order in range(rng.randint(1, 3)):
        text = both(rng.randint(150, 350))
        parts[Harm].append(
            Harm(
                version=version,
                order=order,
                description_en=text["en"],
                description_fr=text["fr"],
                harm_type=rng.choice(terms[HARM_TYPE]),
                severity=rng.choice(Severity.values),
                affected_group_en=writer.title("en")[:100],
                affected_group_fr=writer.title("fr")[:100],
            )
        )
    for order, (key, source) in enumerate(
        zip(version.bench_keys, rng.sample(sources, len(version.bench_keys)), strict=True)
    ):
        parts[Citation].append(
            Citation(
                version=version,
                order=order,
                source=source,
                key=key,
                is_primary=order == 0,
                label_en=f"Source {order + 1}, 2025",
                label_fr=f"Source {order + 1}, 2025",
                corroborates_en=writer.sentence("en", 12),
                corroborates_fr=writer.sentence("fr", 12),
            )
        )
    for order in range(rng.randint(0, 2)):
        parts[PolicyRecommendation].append(
            PolicyRecommendation(
                version=version,
                order=order,
                authority=rng.choice(entities),
                text_en=writer.sentence("en", 25),
                text_fr=writer.sentence("fr", 25),
                attribution_en=writer.title("en")[:100],
                attribution_fr=writer.title("fr")[:100],
                status=AssessmentStatus.ASSESSED,
            )
        )
    for order, entity in enumerate(rng.sample(entities, version.bench_entities)):
        parts[EntityRole].append(EntityRole(version=version, order=order, entity=entity, role=rng.choice(Role.values)))
    chosen = []
    for taxonomy_terms in terms.values():
        chosen += rng.sample(taxonomy_terms, rng.randint(1, 2))
    for order, term in enumerate(chosen):
        parts[Classification].append(Classification(version=version, order=order, term=term))
    for order, country in enumerate(rng.sample(COUNTRIES, rng.choice([1, 1, 1, 2]))):
        parts[Jurisdiction].append(Jurisdiction(version=version, order=order, country=country))
    if version.record.kind == Kind.INCIDENT and hazards and rng.random() < 0.1:
        parts[HazardLink].append(HazardLink(version=version, hazard=rng.choice(hazards)))
