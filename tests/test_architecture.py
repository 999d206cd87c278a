"""
Only the workflow writes workflow state.

A version's status and number, a record's live pointer and withdrawal,
sign-offs, workflow events and public id counters change only in
``incidents/publishing/workflow.py``; every other module (the admin, the
demo, the coming API, importers and intake) calls its transitions. This test
reads the source of every module of ours (its syntax tree, not its text) and
fails on any other write. The import contracts (pyproject.toml,
``make check``) keep the layers apart; this keeps the writes in one place.

What counts as a write: assigning one of the workflow's attributes
(``version.status = Status.PUBLISHED``, ``record.live_version = …``),
passing them to ``create``/``update``/``bulk_update``/a model's constructor,
``setattr`` with their name, or creating or updating the workflow's own rows
(``SignOff``, ``SignOffAnswer``, ``WorkflowEvent``, ``PublicIdCounter``).
``status`` is also the name of a policy recommendation's assessment status,
so a ``status`` write counts when its value names a workflow ``Status``.
"""

import ast
import re
from pathlib import Path

import pytest

from incidents.status import Status

BASE_DIR = Path(__file__).resolve().parent.parent
WORKFLOW = "incidents/publishing/workflow.py"
# bench/generate.py fills a separate benchmark database (bench/database.py
# refuses any other) with 100,000 published records in minutes, which the
# workflow's one-transaction-per-step cannot; nothing it writes is served.
EXEMPT = {WORKFLOW, "bench/generate.py"}

# Attributes only the workflow sets, whatever the value.
WORKFLOW_ATTRIBUTES = {
    "live_version",
    "live_version_id",
    "withdrawn_at",
    "withdrawn_by",
    "withdrawn_by_id",
    "withdrawal_reason",
    "withdrawal_reason_en",
    "withdrawal_reason_fr",
    "published_at",
    "published_by",
    "published_by_id",
    "voided_at",
    "redacted_at",
    "merged_into",
    "merged_into_id",
    "merged_at",
}
WORKFLOW_MODELS = {"SignOff", "SignOffAnswer", "WorkflowEvent", "PublicIdCounter", "Redaction"}
WRITE_METHODS = {
    "create",
    "get_or_create",
    "update_or_create",
    "update",
    "bulk_create",
    "bulk_update",
    "save",
    "delete",
}
VERSION_MODELS = {"RecordVersion", "Record"}


def _names_a_status(node) -> bool:
    """Whether an expression names a workflow status (Status.PUBLISHED, "published")."""
    for child in ast.walk(node):
        if isinstance(child, ast.Attribute) and isinstance(child.value, ast.Name) and child.value.id == "Status":
            return True
        if isinstance(child, ast.Constant) and child.value in Status.values:
            return True
    return False


def _is_workflow_write(attribute, value) -> bool:
    if attribute in WORKFLOW_ATTRIBUTES:
        return True
    return attribute == "status" and value is not None and _names_a_status(value)


def _receiver_names(node) -> set[str]:
    """Names in the chain a method is called on: SignOff.objects.filter(...) -> {SignOff, objects, filter}."""
    names = set()
    while isinstance(node, ast.Attribute | ast.Call):
        if isinstance(node, ast.Call):
            node = node.func
            continue
        names.add(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        names.add(node.id)
    return names


def workflow_writes(source: str) -> list[tuple[int, str]]:
    """(line, what) for every write of workflow state in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for item in target.elts if isinstance(target, ast.Tuple) else [target]:
                    if isinstance(item, ast.Attribute) and _is_workflow_write(item.attr, node.value):
                        found.append((node.lineno, f"sets .{item.attr}"))
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name == "setattr" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
                value = node.args[2] if len(node.args) > 2 else None
                if _is_workflow_write(node.args[1].value, value):
                    found.append((node.lineno, f"setattr {node.args[1].value}"))
            if name in WRITE_METHODS or name in VERSION_MODELS:
                for keyword in node.keywords:
                    if keyword.arg and _is_workflow_write(keyword.arg, keyword.value):
                        found.append((node.lineno, f"{name}({keyword.arg}=…)"))
            receivers = _receiver_names(func) | ({name} if isinstance(func, ast.Name) else set())
            if receivers & WORKFLOW_MODELS and (name in WRITE_METHODS or name in WORKFLOW_MODELS):
                found.append((node.lineno, f"writes {', '.join(sorted(receivers & WORKFLOW_MODELS))}"))
    return found


# Not our application code: the tests themselves, migrations (schema and
# reference data), and what tools and virtualenvs put in the checkout.
SKIPPED_FOLDERS = {"tests", "migrations", "__pycache__", "node_modules", "staticfiles", "build"}


def our_modules():
    return sorted(
        str(path.relative_to(BASE_DIR))
        for path in BASE_DIR.rglob("*.py")
        if not any(part in SKIPPED_FOLDERS or part.startswith(".") for part in path.relative_to(BASE_DIR).parts)
    )


def test_the_scan_reads_every_side_of_the_application():
    modules = our_modules()
    for expected in (
        "incidents/admin/versions.py",
        "incidents/demo/loader.py",
        "incidents/public/views/records.py",
        "imports/base.py",
        WORKFLOW,
    ):
        assert expected in modules
    assert not any(path.startswith(("tests/", ".venv/")) for path in modules)


def test_only_the_workflow_writes_workflow_state():
    offenders = []
    for path in our_modules():
        if path in EXEMPT:
            continue
        for line, what in workflow_writes((BASE_DIR / path).read_text()):
            offenders.append(f"{path}:{line}: {what}")
    assert offenders == [], "Write workflow state through incidents.publishing.workflow only"


def test_the_workflow_itself_is_seen_writing():
    """The check finds the writes it is meant to find (in the one module allowed to make them)."""
    found = " ".join(what for _line, what in workflow_writes((BASE_DIR / WORKFLOW).read_text()))
    for expected in ("writes WorkflowEvent", "writes SignOff", ".live_version", "voided_at", "RecordVersion(status=…)"):
        assert expected in found


@pytest.mark.parametrize(
    "snippet",
    [
        "version.status = Status.PUBLISHED",
        "version.status = 'approved'",
        "record.live_version = version",
        "record.withdrawn_at = timezone.now()",
        "RecordVersion.objects.filter(pk=1).update(status=Status.APPROVED)",
        "RecordVersion.objects.create(record=r, status='published', number=1)",
        "SignOff.objects.create(version=v, check_type='neutrality')",
        "WorkflowEvent(record=r).save()",
        "setattr(version, 'status', Status.DRAFT)",
        "counter = PublicIdCounter.objects.get_or_create(kind='incident')",
        "version.sign_offs.filter(voided_at__isnull=True).update(voided_at=now)",
    ],
)
def test_a_write_outside_the_workflow_is_caught(snippet):
    assert workflow_writes(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        "recommendation.status = AssessmentStatus.ASSESSED",
        "part.status = spec.status",
        "RecordVersion.objects.filter(status=Status.PUBLISHED)",
        "SignOff.objects.filter(version=v).exists()",
        "versions = RecordVersion.objects.published()",
    ],
)
def test_reads_and_other_statuses_are_not_writes(snippet):
    assert workflow_writes(snippet) == []


def test_only_one_function_points_a_record_at_its_live_version():
    tree = ast.parse((BASE_DIR / WORKFLOW).read_text())
    setters = set()
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef):
            for node in ast.walk(function):
                if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Attribute) and t.attr in ("live_version", "live_version_id") for t in node.targets
                ):
                    setters.add(function.name)
    assert setters == {"set_live_version"}


# Documents ---------------------------------------------------------------------

DOCUMENT_REFERENCE = re.compile(r"(docs/[\w./-]+\.md)(?:, \"([^\"]+)\")?")
TEXT_SUFFIXES = {".py", ".html", ".txt", ".md", ".toml", ".cfg", ".css", ".js"}


# A design note kept beside the repository, by name or by path; spelt in
# pieces so that this file does not itself name one.
OUTSIDE_DOCUMENTS = re.compile("DESIGN" + r"\.md|(\.\./|/work/)" + "shared" + r"\b")


def our_text_files():
    for path in BASE_DIR.rglob("*"):
        relative = path.relative_to(BASE_DIR)
        if path.suffix not in TEXT_SUFFIXES or not path.is_file():
            continue
        if any(
            part.startswith(".") or part in {"node_modules", "staticfiles", "__pycache__"} for part in relative.parts
        ):
            continue
        yield relative, path.read_text(errors="replace")


def test_every_document_a_comment_points_to_is_in_the_repository():
    """Comments point to documents in the repository (by section, where they
    name one), never to a design note kept elsewhere."""
    broken = []
    for relative, text in our_text_files():
        if relative == Path(__file__).relative_to(BASE_DIR):
            continue  # names what it looks for
        if OUTSIDE_DOCUMENTS.search(text):
            broken.append(f"{relative}: points outside the repository")
        for document, section in DOCUMENT_REFERENCE.findall(text):
            target = BASE_DIR / document
            if not target.exists():
                broken.append(f"{relative}: {document} does not exist")
            elif section and f"## {section}" not in target.read_text():
                broken.append(f'{relative}: {document} has no section "{section}"')
    assert broken == []
