"""
Demo reference data: taxonomies with nested terms and external mappings,
entities with their official names in both languages, and sources.

External codes are those of the MIT AI Risk Repository (domain and
subdomain, and its causal "timing" category), the OECD AI Incidents Monitor
(harm types), the CSET taxonomy used by the AI Incident Database (sector of
deployment) and ISIC Rev. 4 (sections and divisions of economic activity).

Sources without a URL are left without one on purpose: an address we have
not seen is never made up.
"""

import datetime
from dataclasses import dataclass, field

from evidence.models import SourceType
from taxonomy.models import AI_CAPABILITY, HARM_TYPE, LIFECYCLE_STAGE, SECTOR, EntityKind, MappingScheme

from .text import T

MIT = MappingScheme.MIT
OECD = MappingScheme.OECD
AIID = MappingScheme.AIID
ISIC = MappingScheme.OTHER  # ISIC Rev. 4 has no scheme of its own; the label names it


@dataclass(frozen=True)
class Mapping:
    scheme: str
    code: str
    label: str = ""


@dataclass(frozen=True)
class TermSpec:
    slug: str
    name: T
    description: T = T("")
    mappings: tuple[Mapping, ...] = ()
    children: tuple["TermSpec", ...] = ()


@dataclass(frozen=True)
class TaxonomySpec:
    slug: str
    name: T
    description: T
    terms: tuple[TermSpec, ...] = field(default=())


# Taxonomies ----------------------------------------------------------------

TAXONOMIES = [
    TaxonomySpec(
        HARM_TYPE,
        T("Harm type", "Type de préjudice"),
        T(
            "What kind of harm a record describes, from the point of view of the people or organizations harmed.",
            "La nature du préjudice décrit dans une fiche, du point de vue des personnes ou des organisations lésées.",
        ),
        (
            TermSpec(
                "economic-property",
                T("Economic or property harm", "Préjudice économique ou matériel"),
                T(
                    "Loss of money, property or business opportunity.",
                    "Perte d’argent, de biens ou d’occasions d’affaires.",
                ),
                (Mapping(OECD, "Economic/Property", "Economic/Property"),),
                (
                    TermSpec(
                        "fraud",
                        T("Fraud and scams", "Fraude et escroquerie"),
                        T(
                            "Deceiving people or organizations to obtain money, access or information.",
                            "Tromperie de personnes ou d’organisations pour obtenir de l’argent, un accès ou des renseignements.",
                        ),
                        (Mapping(MIT, "4.3", "Fraud, scams, and targeted manipulation"),),
                    ),
                    TermSpec(
                        "loss-from-erroneous-output",
                        T("Loss from erroneous AI output", "Perte due à un résultat d’IA erroné"),
                        T(
                            "Money lost by acting on wrong information that an AI system gave.",
                            "Argent perdu après s’être fié à une information erronée fournie par un système d’IA.",
                        ),
                        (Mapping(MIT, "3.1", "False or misleading information"),),
                    ),
                ),
            ),
            TermSpec(
                "security",
                T("Security harm", "Atteinte à la sécurité"),
                T(
                    "Harm to the security of organizations, systems or the state.",
                    "Atteinte à la sécurité d’organisations, de systèmes informatiques ou de l’État.",
                ),
                (),
                (
                    TermSpec(
                        "cyber-intrusion",
                        T("Cyber intrusion and data compromise", "Intrusion informatique et compromission de données"),
                        T(
                            "Unauthorized access to systems or data, including planted malware and backdoors.",
                            "Accès non autorisé à des systèmes ou à des données, y compris par des maliciels ou des portes dérobées.",
                        ),
                        (
                            Mapping(MIT, "4.2", "Cyberattacks, weapon development or use, and mass harm"),
                            Mapping(
                                MIT,
                                "2.1",
                                "Compromise of privacy by obtaining, leaking or correctly inferring sensitive information",
                            ),
                        ),
                    ),
                    TermSpec(
                        "national-security",
                        T(
                            "Sanctions evasion and national security",
                            "Contournement de sanctions et sécurité nationale",
                        ),
                        T(
                            "Activity that evades sanctions or funds threats to national or international security.",
                            "Activités qui contournent des sanctions ou financent des menaces à la sécurité nationale ou internationale.",
                        ),
                        (Mapping(OECD, "Public interest", "Public interest"),),
                    ),
                ),
            ),
            TermSpec(
                "public-interest",
                T("Harm to the public interest", "Atteinte à l’intérêt public"),
                T(
                    "Harm to institutions, public services or the information people rely on.",
                    "Atteinte aux institutions, aux services publics ou à l’information sur laquelle la population s’appuie.",
                ),
                (Mapping(OECD, "Public interest", "Public interest"),),
                (
                    TermSpec(
                        "misinformation",
                        T("False or misleading information", "Information fausse ou trompeuse"),
                        T(
                            "An AI system gives people information that is wrong or misleading.",
                            "Un système d’IA fournit une information erronée ou trompeuse.",
                        ),
                        (Mapping(MIT, "3.1", "False or misleading information"),),
                    ),
                    TermSpec(
                        "administration-of-justice",
                        T("Harm to the administration of justice", "Atteinte à l’administration de la justice"),
                        T(
                            "Unreliable AI output placed before a court or tribunal.",
                            "Résultats d’IA peu fiables présentés à un tribunal.",
                        ),
                        (
                            Mapping(MIT, "5.1", "Overreliance and unsafe use"),
                            Mapping(MIT, "7.3", "Lack of capability or robustness"),
                        ),
                    ),
                ),
            ),
            TermSpec(
                "rights",
                T(
                    "Harm to human or fundamental rights",
                    "Atteinte aux droits de la personne ou aux droits fondamentaux",
                ),
                T(
                    "Including privacy and equality rights.",
                    "Notamment le droit à la vie privée et le droit à l’égalité.",
                ),
                (Mapping(OECD, "Human or fundamental rights", "Human or fundamental rights"),),
            ),
            TermSpec(
                "psychological",
                T("Psychological harm", "Préjudice psychologique"),
                T(
                    "Distress, fear or loss of trust caused to people.",
                    "Détresse, peur ou perte de confiance causées à des personnes.",
                ),
                (Mapping(OECD, "Psychological", "Psychological"),),
            ),
            TermSpec(
                "reputational",
                T("Reputational harm", "Atteinte à la réputation"),
                T(
                    "Damage to the reputation of a person or an organization.",
                    "Tort causé à la réputation d’une personne ou d’une organisation.",
                ),
                (Mapping(OECD, "Reputational", "Reputational"),),
            ),
        ),
    ),
    TaxonomySpec(
        SECTOR,
        T("Sector", "Secteur"),
        T(
            "The sector of activity in which the AI system was used or the harm occurred.",
            "Le secteur d’activité dans lequel le système d’IA a été utilisé ou le préjudice est survenu.",
        ),
        (
            TermSpec(
                "information-communication",
                T("Information and communication", "Information et communication"),
                mappings=(
                    Mapping(ISIC, "J", "ISIC Rev. 4, section J: Information and communication"),
                    Mapping(AIID, "information and communication", "CSET sector of deployment"),
                ),
                children=(
                    TermSpec(
                        "software-it-services",
                        T("Software development and IT services", "Développement de logiciels et services de TI"),
                        T(
                            "Including web and mobile applications, IT support, databases and online platforms.",
                            "Y compris les applications Web et mobiles, le soutien informatique, les bases de données et les plateformes en ligne.",
                        ),
                        (
                            Mapping(
                                ISIC,
                                "62",
                                "ISIC Rev. 4, division 62: Computer programming, consultancy and related activities",
                            ),
                        ),
                    ),
                    TermSpec(
                        "gaming",
                        T("Video games and online gambling", "Jeux vidéo et jeux de hasard en ligne"),
                    ),
                ),
            ),
            TermSpec(
                "finance",
                T("Finance and insurance", "Finance et assurances"),
                mappings=(
                    Mapping(ISIC, "K", "ISIC Rev. 4, section K: Financial and insurance activities"),
                    Mapping(AIID, "financial and insurance activities", "CSET sector of deployment"),
                ),
                children=(
                    TermSpec("banking-payments", T("Banking and payments", "Services bancaires et paiements")),
                    TermSpec("crypto-assets", T("Crypto-assets", "Cryptoactifs")),
                ),
            ),
            TermSpec(
                "employment",
                T("Employment and recruitment", "Emploi et recrutement"),
                T(
                    "Hiring, onboarding and managing workers, including remote contractors.",
                    "Embauche, accueil et gestion du personnel, y compris des contractuels à distance.",
                ),
                (Mapping(ISIC, "78", "ISIC Rev. 4, division 78: Employment activities"),),
            ),
            TermSpec(
                "public-administration",
                T("Public administration", "Administration publique"),
                mappings=(
                    Mapping(
                        ISIC,
                        "O",
                        "ISIC Rev. 4, section O: Public administration and defence; compulsory social security",
                    ),
                    Mapping(AIID, "public administration", "CSET sector of deployment"),
                ),
                children=(TermSpec("tax-administration", T("Tax administration", "Administration fiscale")),),
            ),
            TermSpec(
                "justice",
                T("Justice and legal services", "Justice et services juridiques"),
                mappings=(Mapping(ISIC, "69", "ISIC Rev. 4, division 69: Legal and accounting activities"),),
            ),
            TermSpec(
                "transportation",
                T("Transportation", "Transport"),
                mappings=(
                    Mapping(ISIC, "H", "ISIC Rev. 4, section H: Transportation and storage"),
                    Mapping(AIID, "transportation and storage", "CSET sector of deployment"),
                ),
                children=(
                    TermSpec(
                        "air-transport",
                        T("Air transport", "Transport aérien"),
                        mappings=(Mapping(ISIC, "51", "ISIC Rev. 4, division 51: Air transport"),),
                    ),
                ),
            ),
            TermSpec(
                "professional-services",
                T(
                    "Professional, scientific and technical services",
                    "Services professionnels, scientifiques et techniques",
                ),
                mappings=(
                    Mapping(ISIC, "M", "ISIC Rev. 4, section M: Professional, scientific and technical activities"),
                ),
            ),
            TermSpec(
                "households",
                T("Individuals and households", "Particuliers et ménages"),
                T(
                    "People targeted in their private lives rather than through an organization.",
                    "Personnes visées dans leur vie privée plutôt que par l’intermédiaire d’une organisation.",
                ),
            ),
        ),
    ),
    TaxonomySpec(
        AI_CAPABILITY,
        T("AI capability", "Capacité d’IA"),
        T("What the AI system involved can do.", "Ce que le système d’IA en cause est capable de faire."),
        (
            TermSpec(
                "content-generation",
                T("Content generation", "Génération de contenu"),
                T("Producing text, images, audio or video.", "Production de texte, d’images, de sons ou de vidéos."),
                children=(
                    TermSpec(
                        "synthetic-video",
                        T("Synthetic video and face swapping", "Vidéo synthétique et permutation de visages"),
                        T(
                            "Deepfake video, live or recorded, and face-swapped images.",
                            "Hypertrucage vidéo, en direct ou enregistré, et images à visage permuté.",
                        ),
                    ),
                    TermSpec(
                        "voice-cloning",
                        T("Voice cloning and voice changing", "Clonage et modification de la voix"),
                        T(
                            "Speech that imitates a real person’s voice, or disguises the speaker’s own.",
                            "Parole qui imite la voix d’une personne réelle ou qui masque celle de la personne qui parle.",
                        ),
                    ),
                    TermSpec(
                        "text-generation",
                        T("Text generation", "Génération de texte"),
                        T(
                            "Large language models and the tools built on them.",
                            "Grands modèles de langage et outils qui en découlent.",
                        ),
                    ),
                ),
            ),
            TermSpec(
                "conversational-agent",
                T("Conversational agent", "Agent conversationnel"),
                T(
                    "A chatbot that answers questions from the public.",
                    "Robot conversationnel qui répond aux questions du public.",
                ),
            ),
            TermSpec(
                "identity-verification",
                T("Biometric and identity verification", "Vérification biométrique et vérification d’identité"),
                T(
                    "Systems that check a person is who they claim to be.",
                    "Systèmes qui vérifient qu’une personne est bien celle qu’elle prétend être.",
                ),
            ),
        ),
    ),
    TaxonomySpec(
        LIFECYCLE_STAGE,
        T("Lifecycle stage", "Étape du cycle de vie"),
        T(
            "The stage of the AI system’s life cycle at which the harm arose, following the OECD’s phases.",
            "L’étape du cycle de vie du système d’IA à laquelle le préjudice est survenu, selon les phases de l’OCDE.",
        ),
        (
            TermSpec(
                "design-development",
                T("Design and development", "Conception et développement"),
                mappings=(Mapping(MIT, "Pre-deployment", "Timing: Pre-deployment"),),
                children=(
                    TermSpec(
                        "data-collection", T("Data collection and processing", "Collecte et traitement des données")
                    ),
                    TermSpec("model-building", T("Model building", "Construction du modèle")),
                ),
            ),
            TermSpec(
                "verification-validation",
                T("Verification and validation", "Vérification et validation"),
                mappings=(Mapping(MIT, "Pre-deployment", "Timing: Pre-deployment"),),
            ),
            TermSpec(
                "deployment",
                T("Deployment", "Déploiement"),
                mappings=(Mapping(MIT, "Post-deployment", "Timing: Post-deployment"),),
            ),
            TermSpec(
                "operation-monitoring",
                T("Operation and monitoring", "Exploitation et surveillance"),
                mappings=(Mapping(MIT, "Post-deployment", "Timing: Post-deployment"),),
                children=(
                    TermSpec(
                        "misuse",
                        T("Misuse by malicious actors", "Usage détourné par des acteurs malveillants"),
                        T(
                            "Tools available to anyone, used on purpose to cause harm.",
                            "Outils accessibles à tous, utilisés délibérément pour causer du tort.",
                        ),
                        (Mapping(MIT, "Post-deployment", "Timing: Post-deployment"),),
                    ),
                ),
            ),
        ),
    ),
]


# Entities ------------------------------------------------------------------


@dataclass(frozen=True)
class EntitySpec:
    slug: str
    name: T
    kind: str
    description: T = T("")
    url: str = ""


GOV = EntityKind.GOVERNMENT
ORG = EntityKind.ORGANIZATION
GROUP = EntityKind.GROUP

ENTITIES = [
    EntitySpec(
        "rcmp",
        T("Royal Canadian Mounted Police (RCMP)", "Gendarmerie royale du Canada (GRC)"),
        GOV,
        T("Canada’s federal police force.", "Service de police fédéral du Canada."),
        "https://rcmp.ca/",
    ),
    EntitySpec(
        "public-safety-canada",
        T("Public Safety Canada", "Sécurité publique Canada"),
        GOV,
        T(
            "Federal department responsible for public safety and emergency management.",
            "Ministère fédéral chargé de la sécurité publique et de la gestion des urgences.",
        ),
    ),
    EntitySpec(
        "global-affairs-canada",
        T("Global Affairs Canada", "Affaires mondiales Canada"),
        GOV,
        T(
            "Federal department responsible for foreign affairs, including sanctions.",
            "Ministère fédéral chargé des affaires étrangères, y compris des sanctions.",
        ),
    ),
    EntitySpec(
        "fintrac",
        T(
            "Financial Transactions and Reports Analysis Centre of Canada (FINTRAC)",
            "Centre d’analyse des opérations et déclarations financières du Canada (CANAFE)",
        ),
        GOV,
        T(
            "Canada’s financial intelligence unit, which receives reports of suspicious transactions.",
            "Unité du renseignement financier du Canada, qui reçoit les déclarations d’opérations douteuses.",
        ),
    ),
    EntitySpec(
        "cccs",
        T("Canadian Centre for Cyber Security", "Centre canadien pour la cybersécurité"),
        GOV,
        T(
            "Canada’s technical authority on cyber security, part of the Communications Security Establishment.",
            "Autorité technique du Canada en matière de cybersécurité, qui relève du Centre de la sécurité des télécommunications.",
        ),
    ),
    EntitySpec(
        "microsoft",
        T("Microsoft", "Microsoft"),
        ORG,
        T(
            "Technology company; its Threat Intelligence team tracks state-sponsored activity.",
            "Entreprise technologique dont l’équipe Threat Intelligence suit les activités soutenues par des États.",
        ),
        "https://www.microsoft.com/",
    ),
    EntitySpec(
        "dprk-it-workers",
        T("North Korean state-affiliated IT workers", "Travailleurs des TI nord-coréens liés à l’État"),
        GROUP,
        T(
            "IT workers acting for the Democratic People’s Republic of Korea (DPRK) who seek remote jobs abroad under false identities; Microsoft tracks the activity as Jasper Sleet (formerly Storm-0287).",
            "Travailleurs des TI agissant pour la République populaire démocratique de Corée (RPDC) qui cherchent des emplois à distance à l’étranger sous de fausses identités; Microsoft suit cette activité sous le nom de Jasper Sleet (auparavant Storm-0287).",
        ),
    ),
    EntitySpec(
        "dprk",
        T(
            "Democratic People’s Republic of Korea (North Korea)",
            "République populaire démocratique de Corée (Corée du Nord)",
        ),
        GOV,
        T(
            "The North Korean state, subject to Canadian and international sanctions.",
            "L’État nord-coréen, visé par des sanctions canadiennes et internationales.",
        ),
    ),
    EntitySpec(
        "canadian-employers",
        T("Canadian businesses and employers", "Entreprises et employeurs canadiens"),
        GROUP,
        T(
            "Organizations in Canada that hire staff or contractors, including remotely.",
            "Organisations au Canada qui embauchent du personnel ou des contractuels, y compris à distance.",
        ),
    ),
    EntitySpec(
        "air-canada",
        T("Air Canada", "Air Canada"),
        ORG,
        T("Canadian airline.", "Transporteur aérien canadien."),
    ),
    EntitySpec(
        "air-canada-customers",
        T("Air Canada customers", "Clientèle d’Air Canada"),
        GROUP,
    ),
    EntitySpec(
        "bc-civil-resolution-tribunal",
        T("Civil Resolution Tribunal (British Columbia)", "Tribunal de résolution civile (Colombie-Britannique)"),
        GOV,
        T(
            "British Columbia’s online tribunal for small claims and other disputes.",
            "Tribunal en ligne de la Colombie-Britannique pour les petites créances et d’autres litiges.",
        ),
    ),
    EntitySpec(
        "unidentified-scammers",
        T("Unidentified scammers", "Fraudeurs non identifiés"),
        GROUP,
    ),
    EntitySpec(
        "unidentified-voice-cloning-developers",
        T("Unidentified developers of voice-cloning tools", "Concepteurs non identifiés d’outils de clonage de voix"),
        GROUP,
    ),
    EntitySpec(
        "unidentified-deepfake-developers",
        T("Unidentified developers of deepfake tools", "Concepteurs non identifiés d’outils d’hypertrucage"),
        GROUP,
    ),
    EntitySpec(
        "families-voice-scams",
        T("Families targeted by voice-cloning scams", "Familles visées par des arnaques au clonage de voix"),
        GROUP,
        T(
            "People, often older, targeted by “emergency” calls that imitate a relative’s voice.",
            "Personnes, souvent âgées, visées par de faux appels d’urgence qui imitent la voix d’un proche.",
        ),
    ),
    EntitySpec(
        "ontario-superior-court",
        T("Ontario Superior Court of Justice", "Cour supérieure de justice de l’Ontario"),
        GOV,
    ),
    EntitySpec(
        "counsel-ko-v-li",
        T("Counsel for the applicant in Ko v. Li", "Avocate de la requérante dans l’affaire Ko v. Li"),
        EntityKind.PERSON,
    ),
    EntitySpec(
        "canada-revenue-agency",
        T("Canada Revenue Agency (CRA)", "Agence du revenu du Canada (ARC)"),
        GOV,
        T(
            "Federal agency that administers taxes and benefits.",
            "Organisme fédéral qui administre les impôts et les prestations.",
        ),
    ),
    EntitySpec(
        "auditor-general-canada",
        T("Office of the Auditor General of Canada", "Bureau du vérificateur général du Canada"),
        GOV,
    ),
    EntitySpec(
        "canadian-taxpayers",
        T("Canadian taxpayers", "Contribuables canadiens"),
        GROUP,
    ),
    EntitySpec(
        "simcoe-county-residents",
        T("Residents of Simcoe County, Ontario", "Population du comté de Simcoe (Ontario)"),
        GROUP,
    ),
    EntitySpec(
        "arup",
        T("Arup", "Arup"),
        ORG,
        T("Multinational engineering firm.", "Société d’ingénierie multinationale."),
    ),
    EntitySpec(
        "hong-kong-police",
        T("Hong Kong Police Force", "Police de Hong Kong"),
        GOV,
    ),
]


# Sources -------------------------------------------------------------------


@dataclass(frozen=True)
class SourceSpec:
    key: str  # how records.py names it; not stored
    title: str  # as published, in the source's language
    publisher: T
    source_type: str
    authors: str = ""
    published_on: datetime.date | None = None
    url: str = ""  # empty when we do not know it: never guessed
    language: str = "en"


AIID_PUBLISHER = T("AI Incident Database", "AI Incident Database")


def aiid_entry(number: int, title: str) -> SourceSpec:
    """An AI Incident Database entry, cited by its citation page.

    AIID content is CC BY-SA 4.0: the entry is credited as the source, with
    its publisher, on every record that uses its facts.
    """
    return SourceSpec(
        key=f"aiid-{number}",
        title=title,
        publisher=AIID_PUBLISHER,
        source_type=SourceType.OTHER,
        url=f"https://incidentdatabase.ai/cite/{number}/",
    )


SOURCES = [
    SourceSpec(
        key="rcmp-advisory-2025",
        title="Advisory on North Korean information technology (IT) workers",
        publisher=T("Royal Canadian Mounted Police", "Gendarmerie royale du Canada"),
        source_type=SourceType.GOVERNMENT_ADVISORY,
        authors="RCMP; Public Safety Canada; Global Affairs Canada; FINTRAC; Canadian Centre for Cyber Security",
        published_on=datetime.date(2025, 7, 16),
        url="https://rcmp.ca/en/news/2025/07/advisory-north-korean-information-technology-it-workers",
    ),
    SourceSpec(
        key="microsoft-jasper-sleet-2025",
        title="Jasper Sleet: North Korean remote IT workers’ evolving tactics to infiltrate organizations",
        publisher=T("Microsoft Security Blog", "Microsoft Security Blog"),
        source_type=SourceType.THREAT_INTELLIGENCE,
        authors="Microsoft Threat Intelligence",
        published_on=datetime.date(2025, 6, 30),
        url=(
            "https://www.microsoft.com/en-us/security/blog/2025/06/30/"
            "jasper-sleet-north-korean-remote-it-workers-evolving-tactics-to-infiltrate-organizations/"
        ),
    ),
    SourceSpec(
        key="bnn-otis-2025",
        # The headline is not in our copy of the article: a title we supply is
        # put in square brackets, as bibliographies do.
        title="[Report on the Canadian advisory about North Korean IT workers posing as remote freelancers]",
        publisher=T("BNN Bloomberg / CTVNews.ca", "BNN Bloomberg / CTVNews.ca"),
        source_type=SourceType.NEWS_REPORT,
        authors="Daniel Otis",
        published_on=datetime.date(2025, 7, 22),
        url="",  # not known to us
    ),
    SourceSpec(
        key="moffatt-v-air-canada",
        title="Moffatt v. Air Canada, 2024 BCCRT 149",
        publisher=T(
            "Civil Resolution Tribunal (British Columbia)", "Tribunal de résolution civile (Colombie-Britannique)"
        ),
        source_type=SourceType.COURT_FILING,
        published_on=datetime.date(2024, 2, 14),
    ),
    aiid_entry(
        639,
        "Air Canada Chatbot Reportedly Provides Inaccurate Bereavement Fare Information, Leading to Customer Overpayment",
    ),
    aiid_entry(492, "Canadian Parents Tricked out of Thousands Using Their Son's AI Voice"),
    aiid_entry(
        973,
        "Canadian Fraud Ring Allegedly Used AI Voice Cloning in Multi-Year $21 Million Grandparent Scam Targeting Elderly Americans Across 46 States",
    ),
    aiid_entry(1099, "Factum in Ko v. Li Allegedly Contains AI-Generated Case Law Citations"),
    aiid_entry(
        1310, "Canada Revenue Agency (CRA) AI Chatbot 'Charlie' Reportedly Gave Incorrect Tax Filing Guidance at Scale"
    ),
    aiid_entry(1121, "Alleged AI Deepfake Videos Used to Lure Simcoe County, Ontario Residents in Crypto Scam"),
    aiid_entry(634, "Alleged Deepfake CFO Scam Reportedly Costs Multinational Engineering Firm Arup $25 Million"),
]
