"""
The methodology pages Dossier starts with, in English and French: created by
migration 0002 where they are missing, then edited by publishers in the
admin. The wording follows the record model's own scales
(``incidents.models.VerificationLevel``, ``Severity``) and the publication
model of docs/architecture.md.

French follows Canadian typography: a non-breaking space (U+00A0) before
« : » and inside « », and the typographic apostrophe ’.
"""

from django.utils import timezone

NBSP = "\u00a0"

WHAT_WE_RECORD = "what-we-record"
VERIFICATION = "verification-levels"
SEVERITY = "severity-scale"
REVIEW = "review-process"
CORRECTIONS = "corrections"
LICENCE = "licence"

SLUGS = (WHAT_WE_RECORD, VERIFICATION, SEVERITY, REVIEW, CORRECTIONS, LICENCE)


def _fr(text: str) -> str:
    """French text written with "~" where a non-breaking space goes."""
    return text.replace("~", NBSP)


PAGES = [
    {
        "slug": WHAT_WE_RECORD,
        "title_en": "What counts as an incident or a hazard",
        "title_fr": "Ce qui compte comme incident ou comme danger",
        "summary_en": "The two kinds of records, and what we leave out.",
        "summary_fr": "Les deux sortes de fiches, et ce que nous laissons de côté.",
        "body_en": """\
Dossier keeps two kinds of records about artificial intelligence systems.

## Incidents

An **incident** is an event in which the development, deployment or use of
an AI system led to harm: to people's health, safety, rights, livelihoods or
property, to communities, to the environment, or to the working of public
institutions. The harm has happened, and a credible source reports it.

## Hazards

A **hazard** is an event or a situation in which an AI system *could
plausibly* lead to such harm, although none is reported yet: a flaw shown by
researchers, a risky deployment, a near miss. When harm later happens, an
incident record is written and linked to the hazard it was "materialized
from".

## What we leave out

- harm with no AI system in the chain of events;
- speculation about AI in general, with no system, event or situation to
  point to;
- events known from a single anonymous claim that no source stands behind.

Each record says how well its facts are established (the
[verification levels](/en/methodology/verification-levels/)) and how
serious the harm is (the [severity scale](/en/methodology/severity-scale/)).
""",
        "body_fr": _fr("""\
Dossier tient deux sortes de fiches sur les systèmes d’intelligence
artificielle.

## Incidents

Un **incident** est un événement dans lequel le développement, le
déploiement ou l’utilisation d’un système d’IA a causé un préjudice~: à la
santé, à la sécurité, aux droits, aux moyens de subsistance ou aux biens de
personnes, à des collectivités, à l’environnement ou au fonctionnement
d’institutions publiques. Le préjudice s’est produit, et une source crédible
le rapporte.

## Dangers

Un **danger** est un événement ou une situation dans lequel un système d’IA
*pourrait plausiblement* causer un tel préjudice, sans qu’aucun ne soit encore
rapporté~: une faille démontrée par des chercheurs, un déploiement risqué, un
quasi-accident. Si un préjudice survient ensuite, une fiche d’incident est
rédigée et liée au danger dont il «~découle~».

## Ce que nous laissons de côté

- un préjudice sans système d’IA dans l’enchaînement des faits~;
- des conjectures sur l’IA en général, sans système, événement ni situation
  précise~;
- des faits connus par une seule affirmation anonyme qu’aucune source
  n’appuie.

Chaque fiche indique dans quelle mesure ses faits sont établis (les
[niveaux de vérification](/fr/methodology/verification-levels/)) et la
gravité du préjudice (l’[échelle de gravité](/fr/methodology/severity-scale/)).
"""),
    },
    {
        "slug": VERIFICATION,
        "title_en": "Verification levels",
        "title_fr": "Niveaux de vérification",
        "summary_en": "How well the facts of a record are established, from an unverified claim to an official finding.",
        "summary_fr": "Dans quelle mesure les faits d’une fiche sont établis, de l’affirmation non vérifiée à la constatation officielle.",
        "body_en": """\
Every record states how well its central facts are established, on five
levels. The level is chosen by the editor, and checked by the reviewer of
facts before the version is published.

1. **Unverified claim.** Someone says it happened; we have not found
   a credible source that confirms it. Such records are rare, and say so.
2. **Reported by one credible source.** One news organization, research
   team or public body reports it, with no independent confirmation yet.
3. **Corroborated by independent sources.** At least two sources that did
   not rely on each other report the same facts.
4. **Confirmed by a primary source.** The organization involved, or a
   document it produced (a statement, a filing, a disclosure), confirms it.
5. **Officially confirmed or adjudicated.** A regulator, a court, an
   inquiry or another official body has established the facts.

A level can go up or down in a later version, when sources are added or
withdrawn; the record's changelog says when.
""",
        "body_fr": _fr("""\
Chaque fiche indique, sur cinq niveaux, dans quelle mesure ses faits
principaux sont établis. Le niveau est choisi par la rédaction et vérifié par
le réviseur des faits avant la publication de la version.

1. **Affirmation non vérifiée.** Quelqu’un affirme que c’est arrivé~; nous
   n’avons trouvé aucune source crédible qui le confirme. Ces fiches sont
   rares, et le disent.
2. **Rapporté par une source crédible.** Un média, une équipe de recherche
   ou un organisme public le rapporte, sans confirmation indépendante pour
   l’instant.
3. **Corroboré par des sources indépendantes.** Au moins deux sources qui ne
   se sont pas appuyées l’une sur l’autre rapportent les mêmes faits.
4. **Confirmé par une source primaire.** L’organisation en cause, ou un
   document qu’elle a produit (déclaration, dépôt, divulgation), le
   confirme.
5. **Confirmé officiellement ou tranché.** Un organisme de réglementation,
   un tribunal, une enquête ou un autre organisme officiel a établi les
   faits.

Le niveau peut monter ou descendre dans une version ultérieure, quand des
sources s’ajoutent ou sont retirées~; l’historique de la fiche en fait état.
"""),
    },
    {
        "slug": SEVERITY,
        "title_en": "Severity scale",
        "title_fr": "Échelle de gravité",
        "summary_en": "Four grades of harm, from low to critical.",
        "summary_fr": "Quatre degrés de préjudice, de faible à critique.",
        "body_en": """\
Each record, and each harm it describes, has a severity on four grades. For
a hazard, the grade is that of the harm that could plausibly follow.

1. **Low.** Limited harm, to few people, easily reversed: an
   inconvenience, a small loss, a correctable error.
2. **Moderate.** Real harm to people or organizations that takes effort to
   undo: money lost, a service wrongly refused, personal data exposed.
3. **High.** Serious harm, or harm to many people: injury, lasting
   financial or legal consequences, rights infringed at scale.
4. **Critical.** Loss of life, grave injury, or harm to critical
   infrastructure or to the working of public institutions.

The grade describes the harm, not the technology or the attention the event
received. When sources disagree, we take the grade their established facts
support, and the narrative says where they differ.
""",
        "body_fr": _fr("""\
Chaque fiche, et chaque préjudice qu’elle décrit, a une gravité sur quatre
degrés. Pour un danger, le degré est celui du préjudice qui pourrait
plausiblement en découler.

1. **Faible.** Un préjudice limité, pour peu de personnes, facilement
   réparé~: un désagrément, une petite perte, une erreur corrigible.
2. **Modérée.** Un préjudice réel pour des personnes ou des organisations,
   qu’il faut des efforts pour réparer~: de l’argent perdu, un service
   refusé à tort, des données personnelles exposées.
3. **Élevée.** Un préjudice grave, ou touchant de nombreuses personnes~:
   des blessures, des conséquences financières ou juridiques durables, des
   droits bafoués à grande échelle.
4. **Critique.** Des pertes de vie, des blessures graves, ou une atteinte à
   des infrastructures essentielles ou au fonctionnement d’institutions
   publiques.

Le degré décrit le préjudice, pas la technologie ni l’attention que
l’événement a reçue. Quand les sources divergent, nous retenons le degré
qu’appuient les faits établis, et le récit précise les divergences.
"""),
    },
    {
        "slug": REVIEW,
        "title_en": "Review process",
        "title_fr": "Processus de révision",
        "summary_en": "Two reviewers, neither of them an author, before any version is published.",
        "summary_fr": "Deux réviseurs, dont aucun n’en est l’auteur, avant la publication de toute version.",
        "body_en": """\
No version of a record is published before two people other than its
authors have checked it.

1. An **editor** writes a draft, in English and French, with its sources.
2. The editor submits it for review. From then on it is read-only, and the
   sources, entities and terms it shows are recorded as they stand, so the
   reviewers and the public see the same thing.
3. One **reviewer** checks its **neutrality**: claims attributed to their
   sources, no loaded language, the editorial assessment kept apart from
   the facts, recommendations attributed to whoever makes them, no personal
   data that should not be there.
4. Another reviewer checks its **facts**: every claim backed by a cited
   source, dates, names and figures as in the primary source, the French
   saying what the English says.
5. Neither reviewer may have written or edited the version, or changed the
   reference data it shows. Either may send it back with their reasons.
6. Once both have approved it, a **publisher** publishes it, with a note
   saying what changed since the previous version.

Every step is kept: who did what, and when.
""",
        "body_fr": _fr("""\
Aucune version d’une fiche n’est publiée avant que deux personnes autres que
ses auteurs l’aient vérifiée.

1. Une **rédactrice** ou un **rédacteur** écrit une ébauche, en anglais et
   en français, avec ses sources.
2. L’ébauche est soumise à la révision. Elle ne peut plus être modifiée, et
   les sources, entités et termes qu’elle montre sont consignés tels quels~:
   les réviseurs et le public voient la même chose.
3. Un **réviseur** vérifie sa **neutralité**~: affirmations attribuées à
   leurs sources, aucun terme tendancieux, évaluation éditoriale séparée
   des faits, recommandations attribuées à qui les formule, aucune donnée
   personnelle qui n’a pas lieu d’y être.
4. Un autre réviseur vérifie ses **faits**~: chaque affirmation appuyée par
   une source citée, dates, noms et chiffres conformes à la source primaire,
   texte français fidèle au texte anglais.
5. Aucun des deux ne peut avoir rédigé ou modifié la version, ni changé les
   données de référence qu’elle montre. L’un ou l’autre peut la renvoyer,
   motifs à l’appui.
6. Une fois les deux approbations données, un **éditeur** la publie, avec
   une note qui dit ce qui a changé depuis la version précédente.

Chaque étape est conservée~: qui a fait quoi, et quand.
"""),
    },
    {
        "slug": CORRECTIONS,
        "title_en": "Corrections policy",
        "title_fr": "Politique de correction",
        "summary_en": "New versions, withdrawals and redactions: how a record changes after publication.",
        "summary_fr": "Nouvelles versions, retraits et caviardages~: comment une fiche change après sa publication.",
        "body_en": """\
A published version is never edited in place: what you cite stays as you
cited it.

- **New versions.** A correction or an update is a new version of the
  record, reviewed like the first. Every version keeps its own address
  (`…/v1/`, `…/v2/`), the record's changelog shows each version's note, and
  a page compares any two versions.
- **Reference data.** When a source, an organization's name or a term is
  corrected, the records that show it are corrected through new versions,
  with a note saying what changed.
- **Withdrawal.** A record that should not have been published (a
  duplicate, an event that turned out not to involve AI) is withdrawn: its
  pages then say when and why, and no longer show its content.
- **Redaction.** The one change made to a published version: a passage
  removed for reasons of personal data, law or safety, at a publisher's
  request and with a second person's agreement. The version then says when
  and why it was redacted.

To report an error, write to us with the record's number and your source.
""",
        "body_fr": _fr("""\
Une version publiée n’est jamais modifiée~: ce que vous citez reste tel que
vous l’avez cité.

- **Nouvelles versions.** Une correction ou une mise à jour est une nouvelle
  version de la fiche, révisée comme la première. Chaque version garde son
  adresse (`…/v1/`, `…/v2/`), l’historique de la fiche montre la note de
  chaque version, et une page compare deux versions entre elles.
- **Données de référence.** Quand une source, le nom d’une organisation ou
  un terme est corrigé, les fiches qui le montrent sont corrigées par de
  nouvelles versions, avec une note qui dit ce qui a changé.
- **Retrait.** Une fiche qui n’aurait pas dû être publiée (un doublon, un
  événement qui ne concernait finalement pas l’IA) est retirée~: ses pages
  disent alors quand et pourquoi, et ne montrent plus son contenu.
- **Caviardage.** La seule modification apportée à une version publiée~:
  un passage supprimé pour des raisons de données personnelles, juridiques
  ou de sécurité, à la demande d’un éditeur et avec l’accord d’une deuxième
  personne. La version indique alors quand et pourquoi elle a été caviardée.

Pour signaler une erreur, écrivez-nous en indiquant le numéro de la fiche et
votre source.
"""),
    },
    {
        "slug": LICENCE,
        "title_en": "Licence",
        "title_fr": "Licence",
        "summary_en": "Reuse our records, with credit; some records carry the licence of the data they draw on.",
        "summary_fr": "Réutilisez nos fiches, en nous citant~; certaines portent la licence des données dont elles s’inspirent.",
        "body_en": """\
Unless a record says otherwise, its text is published under the licence
named at the foot of each record page and in each feed entry (by default,
Creative Commons Attribution 4.0): you may copy, adapt and republish it,
including commercially, provided you credit Dossier and link to the version
you used.

Some records draw on data from other databases, such as the AI Incident
Database. Those records name that data and its licence, and when the
licence is share-alike (CC BY-SA 4.0), the record is under that licence too.

Each version's page gives a ready-made citation (BibTeX and CSL-JSON) with
its permanent address. The sources a record cites belong to their authors:
we link to them and quote them briefly, and their own terms apply.
""",
        "body_fr": _fr("""\
Sauf mention contraire sur la fiche, son texte est publié sous la licence
indiquée au bas de chaque page de fiche et dans chaque entrée des fils (par
défaut, Creative Commons Attribution 4.0)~: vous pouvez le copier,
l’adapter et le republier, y compris à des fins commerciales, en citant
Dossier et en renvoyant à la version utilisée.

Certaines fiches s’appuient sur les données d’autres bases, comme l’AI
Incident Database. Ces fiches nomment ces données et leur licence, et quand
cette licence impose le partage dans les mêmes conditions (CC BY-SA 4.0), la
fiche est publiée sous cette même licence.

La page de chaque version donne une citation toute prête (BibTeX et
CSL-JSON) avec son adresse permanente. Les sources citées appartiennent à
leurs auteurs~: nous les citons brièvement et y renvoyons, et leurs propres
conditions s’appliquent.
"""),
    },
]


def create_missing(page_model, history_model=None, reason="Initial methodology page"):
    """Create the pages of ``PAGES`` whose slug no page has. ``page_model`` is the
    model itself (its history is written by simple-history), or a
    migration's model with its ``history_model`` (migration models send no
    history signals, so the first history row is written here; they also
    have the untranslated original columns, which modeltranslation fills on
    the real model). Returns the pages created."""

    existing = set(page_model.objects.values_list("slug", flat=True))
    created = []
    for order, content in enumerate(PAGES, start=1):
        if content["slug"] in existing:
            continue
        values = {**content, "order": order}
        if history_model is not None:
            values.update(title=content["title_en"], summary=content["summary_en"], body=content["body_en"])
        page = page_model.objects.create(**values)
        created.append(page)
        if history_model is not None:
            history_model.objects.create(
                id=page.pk,
                **values,
                updated_at=page.updated_at,
                history_date=timezone.now(),
                history_type="+",
                history_change_reason=reason,
            )
    return created
