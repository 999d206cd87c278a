"""
A small catalogue of records in every state, for the tests of the public
pages that list, search, syndicate and map records.

Published records have ordinary words; every unpublished text carries a
distinctive word of its state (``SECRETS``), in every field a public page
could show or search: title, summary, narrative and harm, in English and
French. A test then only has to look for those words.
"""

import datetime
import re
from types import SimpleNamespace

from incidents.models import DatePrecision, Kind, RedactionReason, Severity, VerificationLevel
from incidents.publishing import workflow
from intake import triage as intake_triage
from pages import defaults as methodology
from pages.models import Page
from taxonomy.models import HARM_TYPE
from tests.factories import (
    DraftVersionFactory,
    EditorFactory,
    EntityFactory,
    PublisherFactory,
    ReviewerFactory,
    SourceFactory,
    TaxonomyFactory,
    TermFactory,
    add_parts,
    approve,
    publish_revision,
    published_record,
    received_report,
    record_of,
    revise,
)

# One distinctive word per state that must never reach a public page.
SECRETS = {
    "draft": "draftsecretword",
    "in_review": "reviewsecretword",
    "approved": "approvedsecretword",
    "withdrawn": "withdrawnsecretword",
    "pending_revision": "pendingsecretword",
    # Published, then redacted: erased everywhere.
    "redacted": "redactedsecretword",
    # Published, then merged into another record: its URLs answer 301 and
    # its content shows nowhere.
    "merged": "mergedsecretword",
}


def _secret_fields(word):
    return {
        "title_en": f"Title {word}",
        "title_fr": f"Titre {word}",
        "summary_en": f"Summary {word}.",
        "summary_fr": f"Résumé {word}.",
        "narrative_en": f"Narrative {word}.",
        "narrative_fr": f"Récit {word}.",
    }


def build_catalogue():
    # The methodology pages come with the migrations; a transactional test's
    # flush removes them, so they are put back (only those missing).
    methodology.create_missing(Page)
    sector = TaxonomyFactory(slug="sector", name_en="Sector", name_fr="Secteur", order=1)
    harm_type = TaxonomyFactory(slug=HARM_TYPE, name_en="Harm type", name_fr="Type de préjudice", order=2)
    finance = TermFactory(taxonomy=sector, slug="finance", name_en="Finance", name_fr="Finance", order=1)
    banking = TermFactory(taxonomy=sector, slug="banking", name_en="Banking", name_fr="Banques", parent=finance)
    health = TermFactory(taxonomy=sector, slug="health", name_en="Health", name_fr="Santé", order=2)
    fraud = TermFactory(taxonomy=harm_type, slug="fraud", name_en="Fraud", name_fr="Fraude")
    # Reference rows that only unpublished versions use: they must stay hidden.
    secret_term = TermFactory(taxonomy=sector, slug="secret-sector", name_en="Secret sector", name_fr="Secteur secret")
    secret_taxonomy_term = TermFactory(
        taxonomy=TaxonomyFactory(slug="secret-taxonomy", name_en="Secret taxonomy", name_fr="Taxonomie secrète"),
        slug="hidden",
        name_en="Hidden term",
        name_fr="Terme caché",
    )
    rcmp = EntityFactory(slug="rcmp", name_en="Royal Canadian Mounted Police", name_fr="Gendarmerie royale du Canada")
    acme = EntityFactory(slug="acme-bank", name_en="Acme Bank", name_fr="Banque Acme")
    secret_entity = EntityFactory(slug="secret-entity", name_en="Secret Entity", name_fr="Entité secrète")
    advisory = SourceFactory(title="North Korean IT workers: joint advisory")

    deepfakes = published_record(
        kind=Kind.INCIDENT,
        title_en="Deepfake job applicants infiltrate employers",
        title_fr="Des hypertrucages pour infiltrer des employeurs",
        summary_en="Operatives used AI-generated video to pass remote job interviews.",
        summary_fr="Des agents ont utilisé des vidéos générées par IA pour réussir des entrevues à distance.",
        narrative_en="A joint advisory described how deepfake technology disguised the applicants.",
        narrative_fr="Un avis conjoint a décrit comment la technologie dissimulait les candidats.",
        severity=Severity.HIGH,
        verification_level=VerificationLevel.CORROBORATED,
        occurred_on=datetime.date(2025, 7, 16),
        terms=[banking, fraud],
        entities=[rcmp],
        countries=["CA"],
        harms=[
            (
                "Companies unknowingly hired operatives who planted backdoors.",
                "Des entreprises ont embauché à leur insu des agents qui ont installé des portes dérobées.",
            )
        ],
        sources=[advisory],
    )
    voice = published_record(
        kind=Kind.HAZARD,
        title_en="Voice cloning could defeat bank call-centre checks",
        title_fr="",  # not yet translated
        summary_en=f"Cloned voices could pass the telephone identity checks of banks ({SECRETS['redacted']}).",
        summary_fr=f"Des voix clonées pourraient déjouer les vérifications d'identité téléphoniques des banques ({SECRETS['redacted']}).",
        narrative_en=f"Researchers showed a cloned voice passing an automated check. A caller, {SECRETS['redacted']}, was named.",
        narrative_fr=f"Des chercheurs ont montré une voix clonée franchissant une vérification automatisée. Un appelant, {SECRETS['redacted']}, était nommé.",
        severity=Severity.MODERATE,
        verification_level=VerificationLevel.SINGLE_SOURCE,
        occurred_on=datetime.date(2024, 3, 1),
        occurrence_precision=DatePrecision.MONTH,
        terms=[finance],
        entities=[acme],
        countries=["FR"],
        harms=[("Customers could lose their savings to impostors.", "Des clients pourraient perdre leurs économies.")],
        # Right of reply, not yet translated into French.
        responses=[(acme, "Acme Bank never relied on voice alone to identify its customers.", "")],
    )
    chatbot = published_record(
        kind=Kind.INCIDENT,
        title_en="Chatbot gave dangerous medical advice",
        title_fr="Un agent conversationnel a donné des conseils médicaux dangereux",
        summary_en="A health chatbot recommended unsafe doses.",
        summary_fr="Un agent conversationnel de santé a recommandé des doses dangereuses.",
        narrative_en="The operator withdrew the chatbot after an evaluation.",
        narrative_fr="L'exploitant a retiré l'agent après une évaluation.",
        severity=Severity.CRITICAL,
        verification_level=VerificationLevel.OFFICIALLY_CONFIRMED,
        occurred_on=datetime.date(2023, 1, 1),
        occurred_until=datetime.date(2023, 6, 30),
        occurrence_precision=DatePrecision.RANGE,
        terms=[health],
        entities=[rcmp, acme],
        responses=[
            (
                acme,
                "Acme Bank **no longer** offers the chatbot. [Its statement](https://example.org/acme) gives the details.",
                "La Banque Acme **n’offre plus** l’agent. [Sa déclaration](https://example.org/acme) donne les détails.",
            )
        ],
        countries=["US", "CA"],
        harms=[("Patients followed unsafe dosage advice.", "Des patients ont suivi des conseils de dosage dangereux.")],
    )
    # A published record whose next version is being written: the draft's
    # words must not show while v1 is live.
    translation = published_record(
        kind=Kind.INCIDENT,
        title_en="Machine translation error in an asylum file",
        title_fr="Erreur de traduction automatique dans un dossier d'asile",
        summary_en="An automated translation changed the meaning of a statement.",
        summary_fr="Une traduction automatique a changé le sens d'une déclaration.",
        narrative_en="A lawyer noticed the error.",
        narrative_fr="Une avocate a remarqué l'erreur.",
        severity=Severity.LOW,
        occurred_on=datetime.date(2022, 11, 5),
    )
    # Published last, so "newest first" and "recently updated" differ.
    chatbot_v2 = publish_revision(
        record_of(chatbot),
        summary_en="A health chatbot recommended unsafe doses to patients.",
        summary_fr="Un agent conversationnel de santé a recommandé des doses dangereuses à des patients.",
    )
    # A published passage that must go: requested by a publisher, applied by a reviewer.
    redaction = workflow.request_redaction(
        voice,
        by=PublisherFactory(),
        field="narrative",
        language="en",
        passage=SECRETS["redacted"],
        reason=RedactionReason.PERSONAL_DATA,
    )
    workflow.apply_redaction(redaction, by=ReviewerFactory())
    voice.refresh_from_db()
    pending = revise(record_of(translation))
    for name, value in _secret_fields(SECRETS["pending_revision"]).items():
        setattr(pending, name, value)
    pending.save()
    add_parts(
        pending,
        terms=[secret_term],
        entities=[secret_entity],
        countries=["JP"],
        harms=[(f"Harm {SECRETS['pending_revision']}", f"Préjudice {SECRETS['pending_revision']}")],
        responses=[
            (secret_entity, f"Response {SECRETS['pending_revision']}", f"Réponse {SECRETS['pending_revision']}")
        ],
    )

    def unpublished(state, **parts):
        draft = DraftVersionFactory(**_secret_fields(SECRETS[state]), severity=Severity.CRITICAL)
        add_parts(draft, harms=[(f"Harm {SECRETS[state]}", f"Préjudice {SECRETS[state]}")], **parts)
        return draft

    draft = unpublished(
        "draft",
        terms=[secret_term, secret_taxonomy_term],
        entities=[secret_entity],
        countries=["JP"],
        responses=[(secret_entity, f"Response {SECRETS['draft']}", f"Réponse {SECRETS['draft']}")],
    )
    in_review = unpublished("in_review", terms=[secret_term], countries=["JP"])
    workflow.submit(in_review, by=in_review.created_by)
    approved = unpublished("approved", terms=[secret_term], countries=["JP"])
    workflow.submit(approved, by=approved.created_by)
    approve(approved)
    withdrawn = published_record(
        **_secret_fields(SECRETS["withdrawn"]),
        terms=[secret_term],
        entities=[secret_entity],
        countries=["JP"],
        harms=[(f"Harm {SECRETS['withdrawn']}", f"Préjudice {SECRETS['withdrawn']}")],
    )
    publisher = PublisherFactory()
    workflow.withdraw(record_of(withdrawn), by=publisher, reason_en="Duplicate record.", reason_fr="Fiche en double.")
    # A record merged into deepfakes' through review: deepfakes' page names it.
    merged = published_record(
        **_secret_fields(SECRETS["merged"]),
        terms=[banking],
        entities=[rcmp],
        countries=["CA"],
        harms=[(f"Harm {SECRETS['merged']}", f"Préjudice {SECRETS['merged']}")],
    )
    merged = publish_revision(record_of(merged), duplicate_of=record_of(deepfakes))
    # Reports from the public: one received, one declined, one published as deepfakes' record.
    report = received_report(contact_email="reporter@example.net", links=["https://example.org/report"])
    declined = received_report(language="fr")
    intake_triage.decline(declined, by=EditorFactory(), reason="Ce cas ne concerne pas un système d’IA.")
    promoted = received_report()
    intake_triage.mark_duplicate(promoted, by=EditorFactory(), of_record=record_of(deepfakes))

    return SimpleNamespace(
        sector=sector,
        harm_type=harm_type,
        finance=finance,
        banking=banking,
        health=health,
        fraud=fraud,
        secret_term=secret_term,
        rcmp=rcmp,
        acme=acme,
        secret_entity=secret_entity,
        advisory=advisory,
        deepfakes=deepfakes,
        voice=voice,
        chatbot=chatbot_v2,
        translation=translation,
        pending=pending,
        draft=draft,
        in_review=in_review,
        approved=approved,
        withdrawn=withdrawn,
        merged=merged,
        published=[deepfakes, voice, chatbot_v2, translation],
        report=report,
        declined_report=declined,
        duplicate_report=promoted,
    )


# The public pages ---------------------------------------------------------------


def public_pages(catalogue, lang):
    """(label, path) of every public page, in ``lang``: the accessibility run
    (tests/browser/test_public_pages.py) and the HTML checker
    (tests/test_html_validity.py) read this list; add new public pages here."""
    deepfakes = catalogue.deepfakes.record.public_id
    chatbot = catalogue.chatbot.record.public_id
    voice = catalogue.voice.record.public_id
    query = "hypertrucage" if lang == "fr" else "deepfake"
    pages = [
        ("home", f"/{lang}/"),
        ("list", f"/{lang}/incidents/"),
        ("list, filtered", f"/{lang}/incidents/?kind=incident&term-sector=finance&sort=title"),
        ("list, with errors", f"/{lang}/incidents/?page=-1&kind=robot&date_from=nope"),
        ("list, past the last page", f"/{lang}/incidents/?page=99"),
        ("search", f"/{lang}/incidents/?q={query}"),
        ("record", f"/{lang}/incidents/{deepfakes}/"),
        ("record, not yet translated", f"/{lang}/incidents/{voice}/"),
        ("page not found", f"/{lang}/no-such-page/"),
        ("version", f"/{lang}/incidents/{chatbot}/v1/"),
        ("changes", f"/{lang}/incidents/{chatbot}/changes/"),
        ("entity", f"/{lang}/entities/{catalogue.rcmp.slug}/"),
        ("term", f"/{lang}/taxonomy/{catalogue.sector.slug}/{catalogue.banking.slug}/"),
        ("source", f"/{lang}/sources/{catalogue.advisory.pk}/"),
        ("statistics", f"/{lang}/statistics/"),
        ("entities", f"/{lang}/entities/"),
        ("entity of a hazard", f"/{lang}/entities/{catalogue.acme.slug}/"),
        ("taxonomies", f"/{lang}/taxonomy/"),
        ("methodology", f"/{lang}/methodology/"),
        ("methodology page", f"/{lang}/methodology/{methodology.VERIFICATION}/"),
        # Reports from the public (intake/).
        ("report form", f"/{lang}/report/"),
        ("report form, about a record", f"/{lang}/report/?record={deepfakes}"),
        ("report form, unknown record", f"/{lang}/report/?record=INC-9999"),
        ("report status, received", f"/{lang}/report/status/{catalogue.report.token}/?sent=1"),
        ("report status, declined", f"/{lang}/report/status/{catalogue.declined_report.token}/"),
        ("report status, published", f"/{lang}/report/status/{catalogue.duplicate_report.token}/"),
    ]
    return pages


# Reading the list pages ------------------------------------------------------


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def public_ids(html):
    """The records listed as results, in order."""
    return re.findall(r'<h3 class="result__title" id="[a-z]+-([A-Z]{3}-\d{4})"', html)


def ids(*versions):
    return [v.record.public_id for v in versions]
