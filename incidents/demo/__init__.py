"""
Demo content for ``manage.py load_demo``: accounts for each editorial role,
reference data (taxonomies, entities, sources) and records in every state of
the workflow, all bilingual.

The content is plain data, English and French side by side, in
``accounts.py``, ``reference.py`` and ``records.py``; ``loader.py`` turns it
into rows, only through ``incidents.publishing.workflow`` for anything that changes a
version's status.

Facts about the seed record come from the RCMP joint advisory of July 16,
2025, Microsoft Threat Intelligence's report of June 30, 2025 and a news
report of July 22, 2025 (CTVNews.ca, republished by BNN Bloomberg); the
sentences are our own.
Facts of the other records come from AI Incident Database entries
(https://incidentdatabase.ai/), licensed CC BY-SA 4.0: each such record
cites the entry it draws on, with the AI Incident Database as publisher, and
this notice is the attribution for the whole package.
"""
