"""
Demo accounts: one or two per editorial role.

Four eyes needs two reviewers who did not write a version, so there are two
reviewers; and two editors, so that one can revise what the other wrote.
The passwords are printed by ``load_demo`` and must never exist on a
production site: the command refuses to run when DEBUG is off.
"""

from dataclasses import dataclass

from incidents.publishing.roles import EDITORS, PUBLISHERS, REVIEWERS


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    role: str  # as printed in the accounts table
    password: str
    group: str | None = None  # None for the superuser, who needs no group
    is_superuser: bool = False
    # The language of their e-mails (core.Preference): both kinds of reader
    # exist in every role, so the demo shows e-mails in French and English.
    language: str = "en"

    @property
    def email(self):
        # example.org is reserved for examples (RFC 2606): no mail reaches anyone.
        return f"{self.username}@example.org"


# Passphrases long enough for MinimumLengthValidator, unlike the usernames
# (UserAttributeSimilarityValidator), and absent from the common-password list.
ACCOUNTS = [
    DemoAccount("editor1", "Amélie", "Tremblay", "Editor", "quill-harbour-marmot-17", EDITORS, language="fr"),
    DemoAccount("editor2", "Ben", "Okafor", "Editor", "ledger-aurora-heron-42", EDITORS),
    DemoAccount("reviewer1", "Chloé", "Gagnon", "Reviewer", "compass-birch-otter-58", REVIEWERS, language="fr"),
    DemoAccount("reviewer2", "David", "Singh", "Reviewer", "prism-tundra-lynx-33", REVIEWERS),
    DemoAccount(
        "publisher", "Marc-André", "Pelletier", "Publisher", "beacon-cedar-falcon-26", PUBLISHERS, language="fr"
    ),
    DemoAccount("admin", "Site", "Administrator", "Superuser", "anchor-glacier-moose-91", is_superuser=True),
]
