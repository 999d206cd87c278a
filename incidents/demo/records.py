"""
The demo records, in the order they are created, English and French side by
side.

- ``hazard-remote-hiring-deepfakes``: a published hazard, which the seed
  record materialized from.
- ``seed-dprk-it-workers``: the seed record (the product's reference record),
  complete in every section, published twice: v1, then v2 after a review
  that corrected the attribution of a recommendation and added the French
  text of the recommendations (v1 deliberately lacks it).
- ``hazard-voice-cloning-scams``: a published hazard.
- ``air-canada-chatbot``: published, with a revision in review (a new harm and
  an edited French summary) that readers do not see yet.
- ``voice-clone-parents``: published with its French text deliberately
  incomplete, to show the "not yet translated" marker.
- ``ko-v-li-citations`` (draft), ``cra-chatbot-charlie`` (in review, one
  sign-off), ``simcoe-deepfake-crypto`` (changes requested) and
  ``arup-deepfake-cfo`` (approved, not published), so that every admin queue
  has something in it.

Facts outside the seed come from AI Incident Database entries (CC BY-SA 4.0),
cited on each record as their source; the sentences are our own. French
follows Canadian usage and typography: a non-breaking space (\\u00a0) before
":" and inside « », amounts written "812,02\\u00a0$".
"""

import datetime

from incidents.models import DatePrecision, Kind, Role, Severity, VerificationLevel
from taxonomy.models import AI_CAPABILITY, HARM_TYPE, LIFECYCLE_STAGE, SECTOR

from .specs import (
    ASSESSED,
    CitationSpec,
    Content,
    DemoRecord,
    HarmSpec,
    PlaceSpec,
    RecommendationSpec,
    ResponseSpec,
    Revision,
    RoleSpec,
    Stage,
)
from .text import T

D = datetime.date

# Citations shared by the seed record and its hazard ---------------------------

RCMP_2025 = CitationSpec(
    "rcmp-advisory-2025",
    "rcmp-2025",
    T("RCMP, 2025", "GRC, 2025"),
    T(
        "The joint advisory itself: the five issuing agencies, the use of AI-enabled deepfakes and other AI tools to "
        "obtain remote IT jobs, the risks once the workers are hired, the sectors targeted and the funding of weapons programs.",
        "L’avis conjoint lui-même\u00a0: les cinq organismes signataires, le recours aux hypertrucages et à d’autres outils "
        "d’IA pour obtenir des emplois en TI à distance, les risques une fois les travailleurs embauchés, les secteurs ciblés "
        "et le financement des programmes d’armement.",
    ),
    is_primary=True,
)
MICROSOFT_2025 = CitationSpec(
    "microsoft-jasper-sleet-2025",
    "microsoft-2025",
    T("Microsoft, 2025", "Microsoft, 2025"),
    T(
        "Independent corroboration from threat intelligence: the Jasper Sleet activity cluster and how its AI-assisted "
        "tactics have evolved, including face-swapping and voice-changing tools.",
        "Corroboration indépendante fondée sur le renseignement sur les menaces\u00a0: le groupe Jasper Sleet et "
        "l’évolution de ses tactiques assistées par l’IA, dont les outils de permutation de visages et de modification de la voix.",
    ),
)
BNN_2025 = CitationSpec(
    "bnn-otis-2025",
    "bnn-2025",
    T("BNN Bloomberg, 2025", "BNN Bloomberg, 2025"),
    T(
        "Coverage of the advisory: its scope, the kinds of work targeted, the warning signs for Canadian businesses and "
        "where to report suspected sanctions violations and suspicious transactions.",
        "Couverture de l’avis\u00a0: sa portée, les types de travail ciblés, les signaux d’alerte pour les entreprises "
        "canadiennes et les organismes auxquels signaler les violations présumées de sanctions et les opérations douteuses.",
    ),
)

SEED_PUBLISHED_ELSEWHERE = D(2026, 3, 11)
# The five agencies that issued the joint advisory, after the RCMP (its first-named authority).
JOINT_ADVISORY_PARTNERS = ("public-safety-canada", "global-affairs-canada", "fintrac", "cccs")
JOINT_ADVISORY = T(
    "Joint advisory of the RCMP, Public Safety Canada, Global Affairs Canada, FINTRAC and the Canadian Centre for "
    "Cyber Security (July 16, 2025)",
    "Avis conjoint de la GRC, de Sécurité publique Canada, d’Affaires mondiales Canada, du CANAFE et du Centre canadien "
    "pour la cybersécurité (16 juillet 2025)",
)
RECOMMEND_IDENTITY_CHECKS = T(
    "Organizations hiring remote IT workers should verify applicants’ identity more thoroughly, for example on a live "
    "video call, and check references and credentials directly with schools and former employers.",
    "Les organisations qui recrutent des travailleurs des TI à distance devraient vérifier plus rigoureusement l’identité "
    "des candidats, par exemple lors d’un appel vidéo en direct, et valider les références et les diplômes directement "
    "auprès des établissements d’enseignement et des anciens employeurs.",
)
RECOMMEND_PAYROLL_MONITORING = T(
    "Financial institutions should watch for unusual patterns in payroll payments to accounts linked to remote IT "
    "workers, such as signs that one person holds several positions, and report suspicious transactions to FINTRAC.",
    "Les institutions financières devraient surveiller les tendances inhabituelles dans les versements de paie à des "
    "comptes liés à des travailleurs des TI à distance, notamment les signes qu’une même personne occupe plusieurs "
    "postes, et déclarer les opérations douteuses au CANAFE.",
)


def english_only(text: T) -> T:
    return T(text.en)


# The hazard the seed record materialized from ---------------------------------

HAZARD_REMOTE_HIRING = DemoRecord(
    key="hazard-remote-hiring-deepfakes",
    kind=Kind.HAZARD,
    editor="editor2",
    content=Content(
        title=T(
            "AI deepfakes let impostors pass remote identity checks in hiring",
            "Les hypertrucages permettent à des imposteurs de déjouer les vérifications d’identité lors du recrutement à distance",
        ),
        summary=T(
            "Face swapping, synthetic video and voice changers could let a person pass a remote job interview or identity "
            "check as someone else and gain insider access to an organization’s systems; government and industry reports "
            "describe state-backed operatives adopting these tools.",
            "La permutation de visages, la vidéo synthétique et les modificateurs de voix pourraient permettre à une personne "
            "de réussir une entrevue d’embauche ou une vérification d’identité à distance sous l’identité d’une autre, et "
            "d’obtenir ainsi un accès interne aux systèmes d’une organisation; des rapports gouvernementaux et industriels "
            "font état de l’adoption de ces outils par des agents soutenus par un État.",
        ),
        narrative=T(
            "Remote hiring often rests on a video interview and scanned identity documents to establish who a candidate "
            "is. Generative AI weakens both checks: according to Microsoft’s threat intelligence on the activity it calls "
            "Jasper Sleet, face-swapping tools have been used to alter the photos on identity documents, and voice-changing "
            "software has been tried to disguise speakers [@microsoft-2025]. Microsoft also assessed that AI products "
            "combining synthetic voice and video, which it had not yet seen used in interviews, could make such "
            "impersonation more convincing in future [@microsoft-2025].\n\n"
            "Canadian authorities have since warned that operatives acting for North Korea already use AI-enabled "
            "deepfakes to disguise their appearance in interviews, and that small businesses and start-ups, with little "
            "capacity to screen candidates, are especially attractive targets [@rcmp-2025].\n\n"
            "The hazard is broader than one state’s campaign: any organization that hires, onboards or grants access to "
            "its systems on the strength of a remote video check is exposed.",
            "Le recrutement à distance repose souvent sur une entrevue vidéo et sur des pièces d’identité numérisées pour "
            "établir l’identité d’une personne candidate. L’IA générative affaiblit ces deux contrôles\u00a0: selon le "
            "renseignement sur les menaces de Microsoft au sujet de l’activité qu’elle nomme Jasper Sleet, des outils de "
            "permutation de visages ont servi à modifier les photos de pièces d’identité, et des logiciels de modification "
            "de la voix ont été essayés pour masquer la voix des interlocuteurs [@microsoft-2025]. Microsoft estime aussi "
            "que des produits d’IA combinant voix et vidéo synthétiques, dont elle n’avait pas encore constaté l’usage en "
            "entrevue, pourraient rendre ces usurpations plus convaincantes à l’avenir [@microsoft-2025].\n\n"
            "Les autorités canadiennes ont depuis averti que des agents agissant pour la Corée du Nord utilisent déjà des "
            "hypertrucages pour modifier leur apparence en entrevue, et que les petites entreprises et les jeunes pousses, "
            "qui ont peu de moyens pour vérifier les candidatures, sont des cibles particulièrement attrayantes [@rcmp-2025].\n\n"
            "Le danger dépasse la campagne d’un seul État\u00a0: toute organisation qui embauche du personnel, l’accueille ou "
            "lui ouvre l’accès à ses systèmes sur la foi d’une vérification vidéo à distance y est exposée.",
        ),
        ai_system=T(
            "Real-time face swapping, synthetic video and voice-changing software",
            "Permutation de visages en temps réel, vidéo synthétique et logiciels de modification de la voix",
        ),
        verification_level=VerificationLevel.CORROBORATED,
        severity=Severity.HIGH,
        first_reported_on=D(2025, 6, 30),
        editorial_assessment=T(
            "We record this as a hazard because the weakness lies in a widespread practice, verifying identity over "
            "video, rather than in one event. The incident recorded from the Canadian advisory shows it materializing "
            "[@rcmp-2025]; Microsoft’s assessment suggests the tools will become harder to detect [@microsoft-2025].",
            "Nous traitons ce cas comme un danger parce que la faiblesse tient à une pratique répandue, la vérification "
            "d’identité par vidéo, plutôt qu’à un événement isolé. L’incident consigné à partir de l’avis canadien montre "
            "qu’il se concrétise [@rcmp-2025]; l’évaluation de Microsoft laisse entendre que ces outils seront de plus en "
            "plus difficiles à détecter [@microsoft-2025].",
        ),
        assessment_status=ASSESSED,
        taxonomy_status=ASSESSED,
        harms=(
            HarmSpec(
                T(
                    "An impostor hired under a false identity could gain insider access to an organization’s code, data and systems.",
                    "Une personne embauchée sous une fausse identité pourrait obtenir un accès interne au code, aux données et aux systèmes d’une organisation.",
                ),
                "cyber-intrusion",
                Severity.HIGH,
                T(
                    "Organizations that hire or onboard staff remotely",
                    "Organisations qui recrutent ou accueillent du personnel à distance",
                ),
            ),
            HarmSpec(
                T(
                    "Employers could pay people other than those they believe they hired, and unknowingly breach sanctions.",
                    "Des employeurs pourraient rémunérer d’autres personnes que celles qu’ils croient avoir embauchées, et enfreindre des sanctions à leur insu.",
                ),
                "fraud",
                Severity.MODERATE,
                T(
                    "Employers, especially small businesses and start-ups",
                    "Employeurs, en particulier les petites entreprises et les jeunes pousses",
                ),
            ),
        ),
        citations=(
            RCMP_2025,
            CitationSpec(
                MICROSOFT_2025.source,
                MICROSOFT_2025.key,
                MICROSOFT_2025.label,
                T(
                    "The AI tools observed (face swapping on identity documents, voice changers) and the assessment that "
                    "combined voice and video tools could enable future campaigns.",
                    "Les outils d’IA observés (permutation de visages sur des pièces d’identité, modificateurs de voix) et "
                    "l’évaluation selon laquelle des outils combinant voix et vidéo pourraient servir à de futures campagnes.",
                ),
            ),
        ),
        entities=(
            RoleSpec(
                "dprk-it-workers",
                Role.THREAT_ACTOR,
                T("Reported users of these tools", "Utilisateurs signalés de ces outils"),
            ),
            RoleSpec("unidentified-deepfake-developers", Role.DEVELOPER),
            RoleSpec("canadian-employers", Role.HARMED_PARTY, T("Exposed to the hazard", "Exposés au danger")),
            RoleSpec(
                "microsoft",
                Role.OTHER,
                T("Published threat intelligence on the tactics", "A publié du renseignement sur ces tactiques"),
            ),
            RoleSpec(
                "rcmp",
                Role.REPORTING_AUTHORITY,
                T("Lead agency of the joint advisory", "Organisme responsable de l’avis conjoint"),
            ),
        ),
        classifications=(
            (HARM_TYPE, "cyber-intrusion"),
            (HARM_TYPE, "fraud"),
            (SECTOR, "employment"),
            (AI_CAPABILITY, "synthetic-video"),
            (AI_CAPABILITY, "voice-cloning"),
            (AI_CAPABILITY, "identity-verification"),
            (LIFECYCLE_STAGE, "misuse"),
        ),
        jurisdictions=(PlaceSpec("CA"),),
    ),
)


# The seed record ----------------------------------------------------------------

SEED_DPRK_IT_WORKERS = DemoRecord(
    key="seed-dprk-it-workers",
    kind=Kind.INCIDENT,
    editor="editor1",
    content=Content(
        title=T(
            "Canadian agencies warn that North Korean IT workers use AI deepfakes to get remote jobs",
            "Des organismes canadiens préviennent que des travailleurs des TI nord-coréens se servent d’hypertrucages "
            "pour obtenir des emplois à distance",
        ),
        summary=T(
            "Five Canadian federal agencies warned jointly on July 16, 2025 that North Korean operatives posing as "
            "freelancers based in other countries use AI-enabled deepfakes and other AI tools to win remote IT jobs; "
            "according to the advisory, their pay helps fund the DPRK’s weapons programs.",
            "Le 16 juillet 2025, cinq organismes fédéraux canadiens ont averti conjointement que des agents nord-coréens se "
            "faisant passer pour des pigistes établis dans d’autres pays utilisent des hypertrucages et d’autres outils "
            "d’IA pour décrocher des emplois en TI à distance; selon l’avis, leur rémunération contribue à financer les "
            "programmes d’armement de la RPDC.",
        ),
        narrative=T(
            "On July 16, 2025, the Royal Canadian Mounted Police (RCMP), Public Safety Canada, Global Affairs Canada, "
            "FINTRAC and the Canadian Centre for Cyber Security published a joint advisory about information technology "
            "workers acting for North Korea. According to the advisory, these workers present themselves as legitimate "
            "freelancers based in other countries in order to be hired remotely [@rcmp-2025; @bnn-2025].\n\n"
            "The advisory states that the workers use AI-enabled deepfake technology to alter their appearance in online "
            "meetings and job interviews, and AI tools to prepare their applications [@rcmp-2025]; news coverage of the "
            "advisory lists emails, résumés and cover letters among the documents produced this way [@bnn-2025]. Once "
            "hired, according to the advisory, such workers may plant passive malware or backdoors in their employer’s "
            "code to gather information, monitor traffic or prepare later attacks, and the income they earn funds the "
            "North Korean regime’s weapons programs [@rcmp-2025].\n\n"
            "The agencies list the kinds of work sought: mobile and web applications, gaming and online gambling, general "
            "IT support, graphic animation, databases and online platforms, and hardware and firmware development "
            "[@rcmp-2025; @bnn-2025]. They describe small businesses and start-ups as especially attractive targets "
            "[@rcmp-2025].\n\n"
            "About two weeks earlier, on June 30, 2025, Microsoft Threat Intelligence had described the same kind of "
            "activity under the name Jasper Sleet (formerly Storm-0287). Its report traces how the workers’ methods have "
            "changed, including face-swapping tools used on identity documents and trials of voice-changing software "
            "[@microsoft-2025]. Microsoft wrote that it had not yet seen AI voice and video products combined in "
            "interviews, but assessed that this capability could serve future campaigns [@microsoft-2025].\n\n"
            "The advisory refers to advisories on the same threat issued by Australia, the Republic of Korea and the "
            "United States [@rcmp-2025].",
            "Le 16 juillet 2025, la Gendarmerie royale du Canada (GRC), Sécurité publique Canada, Affaires mondiales "
            "Canada, le CANAFE et le Centre canadien pour la cybersécurité ont publié un avis conjoint au sujet de "
            "travailleurs des technologies de l’information agissant pour le compte de la Corée du Nord. Selon l’avis, ces "
            "travailleurs se présentent comme des pigistes légitimes établis dans d’autres pays afin d’être embauchés à "
            "distance [@rcmp-2025; @bnn-2025].\n\n"
            "L’avis indique que ces travailleurs se servent de technologies d’hypertrucage fondées sur l’IA pour modifier "
            "leur apparence lors de réunions en ligne et d’entrevues d’embauche, et d’outils d’IA pour préparer leurs "
            "candidatures [@rcmp-2025]; selon la couverture médiatique de l’avis, il s’agit notamment de courriels, de "
            "curriculum vitæ et de lettres de présentation [@bnn-2025]. Une fois embauchés, toujours selon l’avis, ces "
            "travailleurs peuvent insérer des maliciels passifs ou des portes dérobées dans le code de leur employeur pour "
            "recueillir des renseignements, surveiller le trafic ou préparer des attaques ultérieures, et les revenus qu’ils "
            "touchent financent les programmes d’armement du régime nord-coréen [@rcmp-2025].\n\n"
            "Les organismes énumèrent les types de travail recherchés\u00a0: applications mobiles et Web, jeux vidéo et jeux "
            "de hasard en ligne, soutien informatique général, animation graphique, bases de données et plateformes en "
            "ligne, ainsi que développement de matériel et de micrologiciels [@rcmp-2025; @bnn-2025]. Ils décrivent les "
            "petites entreprises et les jeunes pousses comme des cibles particulièrement attrayantes [@rcmp-2025].\n\n"
            "Environ deux semaines plus tôt, le 30 juin 2025, Microsoft Threat Intelligence avait décrit une activité du "
            "même type sous le nom de Jasper Sleet (auparavant Storm-0287). Son rapport retrace l’évolution des méthodes de "
            "ces travailleurs, dont l’utilisation d’outils de permutation de visages sur des pièces d’identité et l’essai "
            "de logiciels de modification de la voix [@microsoft-2025]. Microsoft a écrit ne pas avoir encore observé "
            "l’utilisation combinée de produits d’IA vocale et vidéo lors d’entrevues, mais estime que cette capacité "
            "pourrait servir à de futures campagnes [@microsoft-2025].\n\n"
            "L’avis renvoie à des avis sur la même menace publiés par l’Australie, la République de Corée et les "
            "États-Unis [@rcmp-2025].",
        ),
        ai_system=T(
            "AI-enabled deepfake video and face-swapping tools; AI writing tools for job applications",
            "Outils d’hypertrucage vidéo et de permutation de visages fondés sur l’IA; outils de rédaction par IA pour les candidatures",
        ),
        # The seed's "Confirmed": a primary source, the agencies' own advisory,
        # confirms the activity; no court or tribunal has adjudicated it.
        verification_level=VerificationLevel.PRIMARY_CONFIRMED,
        # The seed's "Significant", on our four-step scale.
        severity=Severity.HIGH,
        occurred_on=D(2025, 7, 16),
        occurrence_precision=DatePrecision.DAY,
        first_reported_on=D(2025, 7, 16),
        # First published, and revised, in the Canadian AI Incident Monitor
        # (its changelog: v1 and v2 on March 11, 2026).
        published_elsewhere_on=SEED_PUBLISHED_ELSEWHERE,
        editorial_assessment=T(
            "The advisory, issued jointly by five federal bodies, describes an active threat in which AI-generated "
            "deepfakes help a state-directed operation get inside companies through remote hiring [@rcmp-2025; "
            "@bnn-2025]. We record it as an incident rather than a hazard because the agencies describe the tactic as "
            "already in use, although the advisory names no affected Canadian company and the news report notes that it "
            "is unclear whether any is currently affected [@bnn-2025]. Microsoft’s Jasper Sleet research shows the "
            "tactics evolving and suggests that combined AI voice and video tools could make future infiltration harder "
            "to detect [@microsoft-2025].",
            "L’avis, publié conjointement par cinq organismes fédéraux, décrit une menace active dans laquelle des "
            "hypertrucages générés par l’IA aident une opération dirigée par un État à s’introduire dans des entreprises "
            "par le recrutement à distance [@rcmp-2025; @bnn-2025]. Nous le consignons comme incident plutôt que comme "
            "danger parce que les organismes décrivent la tactique comme déjà employée, même si l’avis ne nomme aucune "
            "entreprise canadienne touchée et que le reportage souligne qu’on ignore si certaines le sont actuellement "
            "[@bnn-2025]. Les recherches de Microsoft sur Jasper Sleet montrent l’évolution de ces tactiques et laissent "
            "entrevoir que des outils combinant voix et vidéo générées par l’IA pourraient rendre les infiltrations "
            "futures plus difficiles à détecter [@microsoft-2025].",
        ),
        assessment_status=ASSESSED,
        recommendations_status=ASSESSED,
        taxonomy_status=ASSESSED,
        harms=(
            HarmSpec(
                T(
                    "According to the joint advisory, operatives hide their identity with AI-enabled deepfakes during remote "
                    "hiring and, once employed, may plant malware and backdoors in company code and collect internal data.",
                    "Selon l’avis conjoint, des agents masquent leur identité au moyen d’hypertrucages lors du recrutement à "
                    "distance et, une fois en poste, peuvent implanter des maliciels et des portes dérobées dans le code de "
                    "l’entreprise et recueillir des données internes.",
                ),
                "cyber-intrusion",
                Severity.HIGH,
                T(
                    "Canadian organizations hiring remote IT workers, especially small businesses and start-ups",
                    "Organisations canadiennes qui recrutent des travailleurs des TI à distance, en particulier les petites "
                    "entreprises et les jeunes pousses",
                ),
            ),
            HarmSpec(
                T(
                    "The advisory states that pay from jobs obtained through this AI-assisted identity fraud goes to the DPRK "
                    "regime and helps fund its weapons programs, in breach of sanctions.",
                    "Selon l’avis, la rémunération tirée d’emplois obtenus grâce à cette fraude d’identité assistée par l’IA "
                    "est acheminée au régime de la RPDC et contribue à financer ses programmes d’armement, en violation des "
                    "sanctions.",
                ),
                "national-security",
                Severity.HIGH,
                T(
                    "International security and the sanctions regime",
                    "La sécurité internationale et le régime de sanctions",
                ),
            ),
        ),
        citations=(RCMP_2025, MICROSOFT_2025, BNN_2025),
        # Version 1 as first published: no French for the recommendations, and
        # the second credited to a FINTRAC document rather than to the joint
        # advisory. Version 2 (below) corrects both.
        recommendations=(
            RecommendationSpec(
                english_only(RECOMMEND_IDENTITY_CHECKS),
                english_only(JOINT_ADVISORY),
                authority="rcmp",
                source="rcmp-advisory-2025",
                further_authorities=JOINT_ADVISORY_PARTNERS,
            ),
            RecommendationSpec(
                english_only(RECOMMEND_PAYROLL_MONITORING),
                T("FINTRAC guidance on reporting suspicious transactions"),
                authority="fintrac",
            ),
        ),
        entities=(
            RoleSpec("rcmp", Role.REPORTING_AUTHORITY, T("Published the joint advisory", "A publié l’avis conjoint")),
            RoleSpec(
                "public-safety-canada",
                Role.REPORTING_AUTHORITY,
                T("Co-issued the joint advisory", "Cosignataire de l’avis conjoint"),
            ),
            RoleSpec(
                "global-affairs-canada",
                Role.REPORTING_AUTHORITY,
                T("Co-issued the joint advisory", "Cosignataire de l’avis conjoint"),
            ),
            RoleSpec(
                "fintrac",
                Role.REPORTING_AUTHORITY,
                T(
                    "Co-issued the joint advisory; receives reports of suspicious transactions",
                    "Cosignataire de l’avis conjoint; reçoit les déclarations d’opérations douteuses",
                ),
            ),
            RoleSpec(
                "cccs", Role.REPORTING_AUTHORITY, T("Co-issued the joint advisory", "Cosignataire de l’avis conjoint")
            ),
            RoleSpec(
                "microsoft",
                Role.OTHER,
                T(
                    "Published threat intelligence on the same activity (Jasper Sleet)",
                    "A publié du renseignement sur la même activité (Jasper Sleet)",
                ),
            ),
            RoleSpec(
                "dprk-it-workers",
                Role.THREAT_ACTOR,
                T(
                    "Use AI deepfakes to obtain remote IT jobs, according to the advisory",
                    "Utilisent des hypertrucages pour obtenir des emplois en TI à distance, selon l’avis",
                ),
            ),
            RoleSpec(
                "dprk",
                Role.OTHER,
                T(
                    "Regime that receives the workers’ income, according to the advisory",
                    "Régime qui reçoit les revenus de ces travailleurs, selon l’avis",
                ),
            ),
            RoleSpec(
                "canadian-employers",
                Role.HARMED_PARTY,
                T(
                    "Targets of the hiring scheme, especially small businesses and start-ups",
                    "Cibles du stratagème, en particulier les petites entreprises et les jeunes pousses",
                ),
            ),
        ),
        classifications=(
            (HARM_TYPE, "fraud"),
            (HARM_TYPE, "cyber-intrusion"),
            (HARM_TYPE, "national-security"),
            (SECTOR, "employment"),
            (SECTOR, "software-it-services"),
            (SECTOR, "gaming"),
            (AI_CAPABILITY, "synthetic-video"),
            (AI_CAPABILITY, "voice-cloning"),
            (AI_CAPABILITY, "text-generation"),
            (LIFECYCLE_STAGE, "misuse"),
        ),
        jurisdictions=(PlaceSpec("CA"),),
        # The same incident in the Canadian AI Incident Monitor.
        external_ids=(("caim", "60", "https://caim.horizonomega.org/incidents/60"),),
        materialized_from=("hazard-remote-hiring-deepfakes",),
    ),
    revisions=(
        Revision(
            editor="editor2",
            published_elsewhere_on=SEED_PUBLISHED_ELSEWHERE,
            recommendations=(
                RecommendationSpec(
                    RECOMMEND_IDENTITY_CHECKS,
                    JOINT_ADVISORY,
                    authority="rcmp",
                    source="rcmp-advisory-2025",
                    further_authorities=JOINT_ADVISORY_PARTNERS,
                ),
                RecommendationSpec(
                    RECOMMEND_PAYROLL_MONITORING,
                    JOINT_ADVISORY,
                    authority="rcmp",
                    source="rcmp-advisory-2025",
                    further_authorities=JOINT_ADVISORY_PARTNERS,
                ),
            ),
            change_note=T(
                "Neutrality and factuality review: both policy recommendations are now attributed to the single joint "
                "advisory of July 16, 2025 (the second had been credited to a separate FINTRAC document), and the "
                "recommendations are now available in French. The narrative needed no change: its facts were checked "
                "against the primary sources.",
                "Révision de la neutralité et des faits\u00a0: les deux recommandations en matière de politiques sont "
                "désormais attribuées à l’avis conjoint du 16 juillet 2025 (la seconde était attribuée à un document "
                "distinct du CANAFE), et leur version française a été ajoutée. Le récit n’avait pas à être modifié\u00a0: ses "
                "faits ont été vérifiés auprès des sources primaires.",
            ),
        ),
    ),
)


# A second hazard ------------------------------------------------------------------

HAZARD_VOICE_CLONING = DemoRecord(
    key="hazard-voice-cloning-scams",
    kind=Kind.HAZARD,
    editor="editor1",
    content=Content(
        title=T(
            "Cloned voices make fake family-emergency calls more convincing",
            "Les voix clonées rendent plus crédibles les faux appels d’urgence familiale",
        ),
        summary=T(
            "Voice-cloning tools could make “grandparent” scams and other fake emergency calls harder to recognize, "
            "because the caller can sound like the relative in trouble; AI Incident Database entries describe such "
            "schemes aimed at families in Canada and at older people in the United States.",
            "Les outils de clonage de voix pourraient rendre plus difficiles à déceler les arnaques «\u00a0des "
            "grands-parents\u00a0» et d’autres faux appels d’urgence, puisque l’appelant peut avoir la voix du proche "
            "prétendument en difficulté; des fiches de l’AI Incident Database décrivent de tels stratagèmes visant des "
            "familles au Canada et des personnes âgées aux États-Unis.",
        ),
        narrative=T(
            "In a “grandparent” scam, a caller poses as a relative in trouble, or as a lawyer or police officer acting for "
            "them, and asks for money urgently. Voice cloning adds something new: the caller can sound like the relative.\n\n"
            "According to an AI Incident Database entry that summarizes news reports from January 2023, a Canadian couple "
            "sent thousands of dollars after a caller used a synthetic copy of their son’s voice to ask for money for "
            "legal fees [@aiid-492]. Another entry reports allegations that a fraud ring working from call centres in "
            "Montreal used AI-cloned voices of grandchildren to persuade older people in 46 U.S. states to pay fake bail, "
            "in a $21 million scheme that ran from 2021 to 2024 [@aiid-973].",
            "Dans l’arnaque «\u00a0des grands-parents\u00a0», un appelant se fait passer pour un proche en difficulté, ou "
            "pour l’avocat ou le policier qui agit en son nom, et réclame de l’argent de toute urgence. Le clonage de voix "
            "y ajoute un élément nouveau\u00a0: l’appelant peut avoir la voix du proche.\n\n"
            "Selon une fiche de l’AI Incident Database qui résume des reportages de janvier 2023, un couple canadien a "
            "envoyé des milliers de dollars après qu’un appelant eut utilisé une copie synthétique de la voix de leur fils "
            "pour demander de l’argent afin de payer des frais juridiques [@aiid-492]. Une autre fiche fait état "
            "d’allégations selon lesquelles un réseau de fraudeurs opérant depuis des centres d’appels de Montréal aurait "
            "utilisé des voix de petits-enfants clonées par l’IA pour convaincre des personnes âgées, dans 46 États "
            "américains, de payer de fausses cautions, dans le cadre d’un stratagème de 21\u00a0millions de dollars mené de 2021 à 2024 "
            "[@aiid-973].",
        ),
        ai_system=T("Voice-cloning (speech synthesis) tools", "Outils de clonage de voix (synthèse vocale)"),
        verification_level=VerificationLevel.CORROBORATED,
        severity=Severity.HIGH,
        first_reported_on=D(2023, 1, 11),
        editorial_assessment=T(
            "The hazard lies in the erosion of a familiar safeguard, recognizing a relative’s voice on the phone "
            "[@aiid-492; @aiid-973]. Calling the relative back on a number one already knows remains a check that a "
            "cloned voice does not defeat.",
            "Le danger tient à l’érosion d’une protection familière\u00a0: reconnaître la voix d’un proche au téléphone "
            "[@aiid-492; @aiid-973]. Rappeler le proche à un numéro que l’on connaît déjà demeure une vérification qu’une "
            "voix clonée ne peut pas déjouer.",
        ),
        assessment_status=ASSESSED,
        taxonomy_status=ASSESSED,
        harms=(
            HarmSpec(
                T(
                    "Families could lose savings to callers who sound like a relative.",
                    "Des familles pourraient perdre leurs économies au profit d’appelants qui ont la voix d’un proche.",
                ),
                "fraud",
                Severity.HIGH,
                T("Older adults and their families", "Personnes âgées et leurs familles"),
            ),
            HarmSpec(
                T(
                    "People could stop trusting genuine calls from relatives in distress.",
                    "Les gens pourraient cesser de se fier aux appels authentiques de proches en détresse.",
                ),
                "psychological",
                Severity.MODERATE,
                T("The public", "La population"),
            ),
        ),
        citations=(
            CitationSpec(
                "aiid-492",
                "aiid-492",
                T("AIID, incident 492", "AIID, incident 492"),
                T(
                    "The 2023 case of Canadian parents deceived by a synthetic copy of their son’s voice.",
                    "Le cas, en 2023, de parents canadiens trompés par une copie synthétique de la voix de leur fils.",
                ),
                is_primary=True,
            ),
            CitationSpec(
                "aiid-973",
                "aiid-973",
                T("AIID, incident 973", "AIID, incident 973"),
                T(
                    "Allegations against a Montreal-based fraud ring that used cloned voices of grandchildren.",
                    "Les allégations visant un réseau de fraudeurs établi à Montréal qui aurait utilisé des voix clonées de petits-enfants.",
                ),
            ),
        ),
        entities=(
            RoleSpec("unidentified-scammers", Role.THREAT_ACTOR),
            RoleSpec("unidentified-voice-cloning-developers", Role.DEVELOPER),
            RoleSpec("families-voice-scams", Role.HARMED_PARTY),
        ),
        classifications=(
            (HARM_TYPE, "fraud"),
            (HARM_TYPE, "psychological"),
            (SECTOR, "households"),
            (AI_CAPABILITY, "voice-cloning"),
            (LIFECYCLE_STAGE, "misuse"),
        ),
        jurisdictions=(PlaceSpec("CA"), PlaceSpec("US")),
    ),
)


# Published, with a revision in review -------------------------------------------

AIR_CANADA_CHATBOT = DemoRecord(
    key="air-canada-chatbot",
    kind=Kind.INCIDENT,
    editor="editor1",
    content=Content(
        title=T(
            "Air Canada chatbot gave wrong bereavement-fare information; tribunal held the airline liable",
            "Le robot conversationnel d’Air Canada a mal renseigné un client sur les tarifs de deuil; un tribunal a tenu "
            "la compagnie responsable",
        ),
        summary=T(
            "According to the AI Incident Database, Air Canada’s website chatbot gave a customer inaccurate information "
            "about bereavement fares in November 2022, and the customer overpaid for flights; in February 2024, British "
            "Columbia’s Civil Resolution Tribunal held the airline responsible and ordered it to pay $812.02 in damages "
            "and fees.",
            "Selon l’AI Incident Database, le robot conversationnel du site d’Air Canada a donné à un client des "
            "renseignements erronés sur les tarifs de deuil en novembre 2022, et ce client a payé ses vols trop cher; en "
            "février 2024, le Tribunal de résolution civile de la C.-B. a tenu la compagnie responsable et l’a condamnée à "
            "payer 812,02\u00a0$.",
        ),
        narrative=T(
            "According to the AI Incident Database, a customer who asked the chatbot on Air Canada’s website about "
            "bereavement fares in November 2022 received inaccurate information about who qualifies and, relying on it, "
            "overpaid for flights [@aiid-639].\n\n"
            "The customer brought a claim before British Columbia’s Civil Resolution Tribunal. In its decision of "
            "February 14, 2024, the tribunal rejected the argument that the chatbot was a separate legal entity "
            "responsible for its own statements, held the airline responsible for the information on its website, the "
            "chatbot included, and found negligent misrepresentation [@moffatt-2024; @aiid-639]. It ordered Air Canada to "
            "pay $812.02 in damages and tribunal fees [@aiid-639].",
            "Selon l’AI Incident Database, un client qui interrogeait le robot conversationnel du site Web d’Air Canada au "
            "sujet des tarifs de deuil en novembre 2022 a reçu des renseignements inexacts sur les conditions "
            "d’admissibilité et, s’y étant fié, a payé ses vols trop cher [@aiid-639].\n\n"
            "Le client a présenté une demande au Tribunal de résolution civile de la Colombie-Britannique. Dans sa décision "
            "du 14 février 2024, le tribunal a rejeté l’argument voulant que le robot soit une entité juridique distincte, "
            "responsable de ses propres déclarations; il a jugé la compagnie responsable des renseignements figurant sur "
            "son site Web, y compris ceux du robot, et a conclu à une déclaration inexacte faite par négligence "
            "[@moffatt-2024; @aiid-639]. Il a ordonné à Air Canada de verser 812,02\u00a0$ en dommages-intérêts et en "
            "frais [@aiid-639].",
        ),
        ai_system=T(
            "Customer-service chatbot on the airline’s website",
            "Robot conversationnel de service à la clientèle sur le site de la compagnie",
        ),
        verification_level=VerificationLevel.OFFICIALLY_CONFIRMED,
        severity=Severity.LOW,
        occurred_on=D(2022, 11, 11),
        # The tribunal's decision is the earliest public account we cite.
        first_reported_on=D(2024, 2, 14),
        editorial_assessment=T(
            "The loss was small; the significance of the case lies in the tribunal’s finding that a company answers for "
            "what its chatbot tells customers as for any other content on its website [@moffatt-2024].",
            "La perte était modeste; l’intérêt de l’affaire tient à la conclusion du tribunal selon laquelle une entreprise "
            "répond de ce que son robot conversationnel dit à sa clientèle comme de tout autre contenu de son site Web "
            "[@moffatt-2024].",
        ),
        assessment_status=ASSESSED,
        taxonomy_status=ASSESSED,
        harms=(
            HarmSpec(
                T(
                    "The customer overpaid for flights after relying on the chatbot’s answer; the tribunal awarded $812.02 in damages and fees.",
                    "Le client a payé ses vols trop cher après s’être fié à la réponse du robot; le tribunal lui a accordé 812,02\u00a0$ en dommages-intérêts et en frais.",
                ),
                "loss-from-erroneous-output",
                Severity.LOW,
                T("An Air Canada customer", "Un client d’Air Canada"),
            ),
        ),
        citations=(
            CitationSpec(
                "moffatt-v-air-canada",
                "moffatt-2024",
                T("Moffatt v. Air Canada, 2024", "Moffatt c. Air Canada, 2024"),
                T(
                    "The tribunal’s findings on liability and negligent misrepresentation.",
                    "Les conclusions du tribunal sur la responsabilité et la déclaration inexacte faite par négligence.",
                ),
                is_primary=True,
            ),
            CitationSpec(
                "aiid-639",
                "aiid-639",
                T("AIID, incident 639", "AIID, incident 639"),
                T(
                    "The chatbot’s inaccurate answer, the overpayment and the amount awarded.",
                    "La réponse inexacte du robot, le trop-payé et le montant accordé.",
                ),
            ),
        ),
        entities=(
            RoleSpec(
                "air-canada",
                Role.DEPLOYER,
                T("Operated the chatbot on its website", "Exploitait le robot sur son site Web"),
            ),
            RoleSpec("air-canada", Role.DEVELOPER),
            RoleSpec("air-canada-customers", Role.HARMED_PARTY),
            RoleSpec(
                "bc-civil-resolution-tribunal",
                Role.OTHER,
                T("Decided the claim (2024 BCCRT 149)", "A tranché la demande (2024 BCCRT 149)"),
            ),
        ),
        # Right of reply. Written for the demo in our own words, as the
        # deployer's position might read; not a statement Air Canada made,
        # so it links to no official statement.
        responses=(
            ResponseSpec(
                "air-canada",
                D(2024, 2, 23),
                T(
                    "Air Canada accepts the tribunal’s decision and has paid the amount it awarded. Our bereavement "
                    "policy was published on our website throughout, and we regret that the chatbot’s answer did not "
                    "reflect it.\n\n"
                    "We have since reviewed how the answers our digital assistants give on fares and policies are "
                    "checked against the policies themselves.",
                    "Air Canada accepte la décision du tribunal et a versé le montant qu’il a accordé. Notre politique "
                    "relative aux tarifs de deuil était publiée sur notre site Web pendant toute cette période, et nous "
                    "regrettons que la réponse du robot conversationnel ne l’ait pas reflétée.\n\n"
                    "Nous avons depuis revu la façon dont les réponses de nos assistants numériques sur les tarifs et "
                    "les politiques sont vérifiées par rapport aux politiques elles-mêmes.",
                ),
            ),
        ),
        classifications=(
            (HARM_TYPE, "loss-from-erroneous-output"),
            (SECTOR, "air-transport"),
            (AI_CAPABILITY, "conversational-agent"),
            (LIFECYCLE_STAGE, "operation-monitoring"),
        ),
        jurisdictions=(PlaceSpec("CA", T("British Columbia", "Colombie-Britannique")),),
        external_ids=(("aiid", "639"),),
    ),
    revisions=(
        # Left in review: the public pages keep showing v1 until a publisher
        # releases this, after two sign-offs.
        Revision(
            editor="editor2",
            text_changes={
                "summary_fr": (
                    "Selon l’AI Incident Database, le robot conversationnel du site Web d’Air Canada a donné à un client "
                    "des renseignements inexacts sur les tarifs de deuil en novembre 2022, ce qui l’a amené à payer ses "
                    "vols trop cher; en février 2024, le Tribunal de résolution civile de la Colombie-Britannique a jugé la "
                    "compagnie responsable et lui a ordonné de verser 812,02\u00a0$ en dommages-intérêts et en frais."
                ),
            },
            added_harms=(
                HarmSpec(
                    T(
                        "Members of the public received inaccurate fare-policy information from the airline’s own website.",
                        "Des membres du public ont reçu des renseignements inexacts sur une politique tarifaire sur le site "
                        "Web même de la compagnie.",
                    ),
                    "misinformation",
                    Severity.LOW,
                    T("Air Canada customers", "Clientèle d’Air Canada"),
                ),
            ),
            change_note=T(
                "Added a harm on the inaccurate information given to the public; clearer French summary.",
                "Ajout d’un préjudice lié aux renseignements inexacts fournis au public; résumé français clarifié.",
            ),
            stage=Stage.IN_REVIEW,
        ),
    ),
)


# Published with French deliberately incomplete ------------------------------------

VOICE_CLONE_PARENTS = DemoRecord(
    key="voice-clone-parents",
    kind=Kind.INCIDENT,
    editor="editor2",
    content=Content(
        title=T(
            "Canadian parents reportedly lose thousands to a caller imitating their son’s voice with AI",
            "Des parents canadiens auraient perdu des milliers de dollars au profit d’un appelant qui imitait la voix "
            "de leur fils grâce à l’IA",
        ),
        summary=T(
            "According to an AI Incident Database entry, a Canadian couple was defrauded in January 2023 by a caller who "
            "posed as their son’s lawyer and used AI voice synthesis to imitate their son asking for money for legal fees.",
            "Selon une fiche de l’AI Incident Database, un couple canadien a été fraudé en janvier 2023 par un appelant "
            "qui se faisait passer pour l’avocat de leur fils et utilisait la synthèse vocale pour imiter la voix de "
            "celui-ci afin de réclamer de l’argent pour des frais juridiques.",
        ),
        # The French narrative, harm, citation note and AI system are left
        # empty on purpose: readers of /fr/ see the English text, marked.
        narrative=T(
            "According to the AI Incident Database, which summarizes several news reports, the parents received a call in "
            "January 2023 from someone who claimed to be their son’s lawyer. During the call, a voice resembling their "
            "son’s, produced with AI voice synthesis according to the entry, asked for money to pay legal fees "
            "[@aiid-492].\n\n"
            "The entry reports that the parents sent thousands of dollars before realizing that their son had not called "
            "[@aiid-492]. The person or group responsible has not been identified in the sources we cite.",
        ),
        ai_system=T("AI voice synthesis (voice cloning)"),
        verification_level=VerificationLevel.SINGLE_SOURCE,
        severity=Severity.MODERATE,
        occurred_on=D(2023, 1, 11),
        first_reported_on=D(2023, 1, 11),
        taxonomy_status=ASSESSED,
        harms=(
            HarmSpec(
                T("The parents lost thousands of dollars to the scam."),
                "fraud",
                Severity.MODERATE,
                T("Parents of the impersonated man"),
            ),
        ),
        citations=(
            CitationSpec(
                "aiid-492",
                "aiid-492",
                T("AIID, incident 492", "AIID, incident 492"),
                T("The call, the imitation of the son’s voice and the money lost."),
                is_primary=True,
            ),
        ),
        entities=(
            RoleSpec("unidentified-scammers", Role.THREAT_ACTOR),
            RoleSpec("unidentified-voice-cloning-developers", Role.DEVELOPER),
            RoleSpec("families-voice-scams", Role.HARMED_PARTY, T("The parents of the impersonated man")),
        ),
        classifications=(
            (HARM_TYPE, "fraud"),
            (SECTOR, "households"),
            (AI_CAPABILITY, "voice-cloning"),
            (LIFECYCLE_STAGE, "misuse"),
        ),
        jurisdictions=(PlaceSpec("CA"),),
        external_ids=(("aiid", "492"),),
        materialized_from=("hazard-voice-cloning-scams",),
    ),
)


# Records still in the workflow, so the admin queues have work in them -----------

KO_V_LI = DemoRecord(
    key="ko-v-li-citations",
    kind=Kind.INCIDENT,
    editor="editor2",
    stage=Stage.DRAFT,
    content=Content(
        title=T(
            "Ontario court finds non-existent case law cited in a factum and asks whether AI was used",
            "Un tribunal ontarien relève de la jurisprudence inexistante dans un mémoire et se demande si l’IA a été utilisée",
        ),
        summary=T(
            "According to the AI Incident Database, in Ko v. Li (2025 ONSC 2766) the Ontario Superior Court of Justice "
            "found that a factum filed for the applicant cited cases that were irrelevant, misstated or non-existent, and "
            "asked whether generative AI had been used to draft it.",
            "Selon l’AI Incident Database, dans l’affaire Ko v. Li (2025 ONSC 2766), la Cour supérieure de justice de "
            "l’Ontario a constaté qu’un mémoire déposé pour la requérante citait des décisions non pertinentes, mal "
            "rapportées ou inexistantes, et s’est demandé si l’IA générative avait servi à le rédiger.",
        ),
        narrative=T(
            "According to the AI Incident Database, the court identified several inaccurate or non-existent citations in "
            "the applicant’s factum and questioned whether generative AI had been used in drafting it [@aiid-1099]. The "
            "entry reports that the court ordered counsel to show cause why she should not be cited for contempt, "
            "referring to lawyers’ duties of accuracy and technological competence [@aiid-1099].",
            "Selon l’AI Incident Database, le tribunal a relevé dans le mémoire de la requérante plusieurs références "
            "inexactes ou inexistantes et s’est demandé si l’IA générative avait servi à sa rédaction [@aiid-1099]. La "
            "fiche indique que le tribunal a ordonné à l’avocate d’expliquer pourquoi elle ne devrait pas être citée pour "
            "outrage, en rappelant les obligations d’exactitude et de compétence technologique des avocats [@aiid-1099].",
        ),
        ai_system=T(
            "A generative AI text tool (suspected by the court)",
            "Un outil d’IA générative de texte (soupçonné par le tribunal)",
        ),
        verification_level=VerificationLevel.SINGLE_SOURCE,
        severity=Severity.MODERATE,
        occurred_on=D(2025, 4, 25),
        harms=(
            HarmSpec(
                T(
                    "The court was given case law that did not exist or did not say what was claimed.",
                    "Le tribunal a reçu de la jurisprudence inexistante ou qui ne disait pas ce qu’on lui prêtait.",
                ),
                "administration-of-justice",
                Severity.MODERATE,
                T("The court and the parties to the case", "Le tribunal et les parties à l’instance"),
            ),
        ),
        citations=(
            CitationSpec(
                "aiid-1099",
                "aiid-1099",
                T("AIID, incident 1099", "AIID, incident 1099"),
                T(
                    "The court’s findings on the factum and its order to show cause.",
                    "Les constats du tribunal sur le mémoire et son ordonnance de justification.",
                ),
                is_primary=True,
            ),
        ),
        entities=(
            RoleSpec("counsel-ko-v-li", Role.DEPLOYER),
            RoleSpec("ontario-superior-court", Role.HARMED_PARTY),
        ),
        classifications=(
            (HARM_TYPE, "administration-of-justice"),
            (SECTOR, "justice"),
            (AI_CAPABILITY, "text-generation"),
        ),
        jurisdictions=(PlaceSpec("CA", T("Ontario", "Ontario")),),
        external_ids=(("aiid", "1099"),),
    ),
)

CRA_CHATBOT = DemoRecord(
    key="cra-chatbot-charlie",
    kind=Kind.INCIDENT,
    editor="editor1",
    stage=Stage.ONE_SIGN_OFF,
    content=Content(
        title=T(
            "Audit finds the CRA’s chatbot “Charlie” often gave incorrect tax guidance",
            "Selon un audit, «\u00a0Charlie\u00a0», l’agent conversationnel de l’ARC, donnait souvent des réponses fiscales erronées",
        ),
        summary=T(
            "According to the AI Incident Database, an audit by the Auditor General of Canada found that “Charlie”, the "
            "Canada Revenue Agency’s chatbot, answered fewer than half of the tested questions correctly; the chatbot has "
            "been available on several CRA web pages since March 2020.",
            "Selon l’AI Incident Database, un audit du Bureau du vérificateur général du Canada a révélé que "
            "«\u00a0Charlie\u00a0», l’agent conversationnel de l’Agence du revenu du Canada, répondait correctement à moins "
            "de la moitié des questions testées; l’outil est offert sur plusieurs pages Web de l’ARC depuis mars 2020.",
        ),
        narrative=T(
            "According to the AI Incident Database, the Auditor General’s audit tested the chatbot’s answers to tax "
            "questions and found fewer than half of them correct [@aiid-1310]. The entry states that the chatbot has been "
            "publicly available on several CRA web pages since March 2020 and has reportedly been used by millions of "
            "people [@aiid-1310].",
            "Selon l’AI Incident Database, l’audit du Bureau du vérificateur général a mis à l’essai les réponses de "
            "l’agent conversationnel à des questions fiscales et a constaté que moins de la moitié étaient exactes "
            "[@aiid-1310]. La fiche précise que l’outil est offert au public sur plusieurs pages Web de l’ARC depuis mars "
            "2020 et qu’il aurait été utilisé par des millions de personnes [@aiid-1310].",
        ),
        ai_system=T(
            "Government chatbot answering tax questions",
            "Agent conversationnel gouvernemental répondant à des questions fiscales",
        ),
        verification_level=VerificationLevel.SINGLE_SOURCE,
        severity=Severity.MODERATE,
        occurred_on=D(2020, 3, 1),
        occurred_until=D(2025, 12, 12),
        occurrence_precision=DatePrecision.RANGE,
        harms=(
            HarmSpec(
                T(
                    "Taxpayers received incorrect or incomplete guidance on filing their taxes.",
                    "Des contribuables ont reçu des conseils erronés ou incomplets sur la production de leur déclaration.",
                ),
                "misinformation",
                Severity.MODERATE,
                T("Canadian taxpayers", "Contribuables canadiens"),
            ),
        ),
        citations=(
            CitationSpec(
                "aiid-1310",
                "aiid-1310",
                T("AIID, incident 1310", "AIID, incident 1310"),
                T(
                    "The audit’s finding on the accuracy of the chatbot’s answers.",
                    "La constatation de l’audit sur l’exactitude des réponses de l’outil.",
                ),
                is_primary=True,
            ),
        ),
        entities=(
            RoleSpec("canada-revenue-agency", Role.DEPLOYER),
            RoleSpec("auditor-general-canada", Role.REPORTING_AUTHORITY, T("Audited the chatbot", "A audité l’outil")),
            RoleSpec("canadian-taxpayers", Role.HARMED_PARTY),
        ),
        classifications=(
            (HARM_TYPE, "misinformation"),
            (SECTOR, "tax-administration"),
            (AI_CAPABILITY, "conversational-agent"),
        ),
        jurisdictions=(PlaceSpec("CA"),),
        external_ids=(("aiid", "1310"),),
    ),
)

SIMCOE_DEEPFAKE_CRYPTO = DemoRecord(
    key="simcoe-deepfake-crypto",
    kind=Kind.INCIDENT,
    editor="editor2",
    stage=Stage.CHANGES_REQUESTED,
    changes_requested=(
        "The summary states the losses as established fact, but our only source is one AIID entry summarizing local "
        "reports. Attribute the figures (“according to…”) and keep the victims’ accounts as reported."
    ),
    content=Content(
        title=T(
            "Deepfake videos of public figures drew Simcoe County residents into crypto scams",
            "Des vidéos hypertruquées de personnalités publiques ont attiré des gens du comté de Simcoe dans des arnaques "
            "aux cryptomonnaies",
        ),
        # Unattributed on purpose: the reviewer's request above asks to fix it.
        summary=T(
            "Several Simcoe County residents lost tens of thousands of dollars each after deepfake videos of trusted "
            "public figures persuaded them to invest in cryptocurrency.",
            "Plusieurs personnes du comté de Simcoe ont perdu des dizaines de milliers de dollars chacune après que des "
            "vidéos hypertruquées de personnalités publiques les eurent convaincues d’investir dans les cryptomonnaies.",
        ),
        narrative=T(
            "According to the AI Incident Database entry, which draws on statements by MP Adam Chambers and on local "
            "reports, the videos appeared online as advertisements and led victims to send money through legitimate "
            "exchanges to wallets controlled by the fraudsters [@aiid-1121].",
            "Selon la fiche de l’AI Incident Database, qui s’appuie sur des déclarations du député Adam Chambers et sur "
            "des reportages locaux, les vidéos paraissaient en ligne sous forme de publicités et ont amené des victimes à "
            "transférer des fonds, par l’intermédiaire de plateformes d’échange légitimes, vers des portefeuilles contrôlés "
            "par les fraudeurs [@aiid-1121].",
        ),
        ai_system=T(
            "Deepfake video of public figures in online advertisements",
            "Vidéos hypertruquées de personnalités publiques dans des publicités en ligne",
        ),
        verification_level=VerificationLevel.SINGLE_SOURCE,
        severity=Severity.HIGH,
        occurred_on=D(2025, 6, 29),
        harms=(
            HarmSpec(
                T(
                    "Residents lost tens of thousands of dollars each, according to local reports.",
                    "Des résidents ont perdu des dizaines de milliers de dollars chacun, selon des reportages locaux.",
                ),
                "fraud",
                Severity.HIGH,
                T("Residents of Simcoe County, Ontario", "Population du comté de Simcoe (Ontario)"),
            ),
        ),
        citations=(
            CitationSpec(
                "aiid-1121",
                "aiid-1121",
                T("AIID, incident 1121", "AIID, incident 1121"),
                T(
                    "The deepfake advertisements and the way victims transferred funds.",
                    "Les publicités hypertruquées et la façon dont les victimes ont transféré des fonds.",
                ),
                is_primary=True,
            ),
        ),
        entities=(
            RoleSpec("unidentified-scammers", Role.THREAT_ACTOR),
            RoleSpec("unidentified-deepfake-developers", Role.DEVELOPER),
            RoleSpec("simcoe-county-residents", Role.HARMED_PARTY),
        ),
        classifications=((HARM_TYPE, "fraud"), (SECTOR, "crypto-assets"), (AI_CAPABILITY, "synthetic-video")),
        jurisdictions=(PlaceSpec("CA", T("Ontario", "Ontario")),),
        external_ids=(("aiid", "1121"),),
    ),
)

ARUP_DEEPFAKE_CFO = DemoRecord(
    key="arup-deepfake-cfo",
    kind=Kind.INCIDENT,
    editor="editor1",
    stage=Stage.APPROVED,
    content=Content(
        title=T(
            "Deepfake video call impersonating a CFO reportedly led to a $25 million transfer at Arup",
            "Un appel vidéo hypertruqué imitant un directeur financier aurait mené à un virement de 25\u00a0millions de "
            "dollars chez Arup",
        ),
        summary=T(
            "According to the AI Incident Database, which cites the Hong Kong police, a finance employee at the engineering "
            "firm Arup was deceived into transferring $25 million after fraudsters impersonated the company’s chief "
            "financial officer in a video call using purported deepfakes.",
            "Selon l’AI Incident Database, qui cite la police de Hong Kong, un employé des finances de la société "
            "d’ingénierie Arup a été amené à virer 25\u00a0millions de dollars après que des fraudeurs eurent imité le "
            "directeur financier de l’entreprise lors d’un appel vidéo, apparemment au moyen d’hypertrucages.",
        ),
        narrative=T(
            "According to the AI Incident Database, the Hong Kong police reported that fraudsters used purported deepfake "
            "technology to impersonate Arup’s chief financial officer in a video call, and that a finance employee, "
            "believing the instructions genuine, transferred $25 million [@aiid-634].",
            "Selon l’AI Incident Database, la police de Hong Kong a indiqué que des fraudeurs avaient utilisé une "
            "technologie présumée d’hypertrucage pour imiter le directeur financier d’Arup lors d’un appel vidéo, et qu’un "
            "employé des finances, croyant les instructions authentiques, avait viré 25\u00a0millions de dollars "
            "[@aiid-634].",
        ),
        ai_system=T(
            "Deepfake video and cloned voices in a video call",
            "Vidéo hypertruquée et voix clonées lors d’un appel vidéo",
        ),
        verification_level=VerificationLevel.SINGLE_SOURCE,
        severity=Severity.CRITICAL,
        occurred_on=D(2024, 2, 2),
        taxonomy_status=ASSESSED,
        harms=(
            HarmSpec(
                T(
                    "The firm lost $25 million, according to the police account.",
                    "L’entreprise a perdu 25\u00a0millions de dollars, selon la police.",
                ),
                "fraud",
                Severity.CRITICAL,
                T("Arup", "Arup"),
            ),
        ),
        citations=(
            CitationSpec(
                "aiid-634",
                "aiid-634",
                T("AIID, incident 634", "AIID, incident 634"),
                T(
                    "The impersonation by video call and the amount transferred, as reported by the police.",
                    "L’usurpation d’identité par appel vidéo et le montant viré, selon la police.",
                ),
                is_primary=True,
            ),
        ),
        entities=(
            RoleSpec("unidentified-scammers", Role.THREAT_ACTOR),
            RoleSpec("unidentified-deepfake-developers", Role.DEVELOPER),
            RoleSpec("arup", Role.HARMED_PARTY),
            RoleSpec("hong-kong-police", Role.REPORTING_AUTHORITY),
        ),
        classifications=(
            (HARM_TYPE, "fraud"),
            (SECTOR, "professional-services"),
            (AI_CAPABILITY, "synthetic-video"),
            (AI_CAPABILITY, "voice-cloning"),
            (LIFECYCLE_STAGE, "misuse"),
        ),
        jurisdictions=(PlaceSpec("HK"),),
        external_ids=(("aiid", "634"),),
    ),
)


# Hazards first: incidents link to them.
RECORDS = [
    HAZARD_REMOTE_HIRING,
    SEED_DPRK_IT_WORKERS,
    HAZARD_VOICE_CLONING,
    AIR_CANADA_CHATBOT,
    VOICE_CLONE_PARENTS,
    KO_V_LI,
    CRA_CHATBOT,
    SIMCOE_DEEPFAKE_CRYPTO,
    ARUP_DEEPFAKE_CFO,
]
