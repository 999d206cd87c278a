"""Settings from the environment: what a fresh checkout and a server need."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def run(*args, **env):
    """Python with ``args`` in the project, in an environment without any of
    Dossier's settings but ``env``."""
    clean = {
        key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")
    }
    clean.update(env)
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=60)


SERVE = "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; import config.wsgi; print('serving')"


def test_the_server_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run("-c", SERVE)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize("env", [{"SECRET_KEY": "a-real-secret-from-the-environment"}, {"DEBUG": "1"}])
def test_the_server_starts_with_a_secret_key_or_in_debug(env):
    result = run("-c", SERVE, **env)
    assert result.returncode == 0, result.stderr
    assert "serving" in result.stdout


def test_system_checks_run_in_a_fresh_checkout_without_any_environment():
    result = run("manage.py", "check")
    assert result.returncode == 0, result.stderr


PRINT_TASKS = (
    "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; import django; django.setup(); "
    "from django.tasks import task_backends; print(type(task_backends['default']).__name__)"
)


@pytest.mark.parametrize(("value", "backend"), [("", "ImmediateBackend"), ("database", "DatabaseBackend")])
def test_tasks_backend_chooses_how_workflow_emails_are_sent(value, backend):
    result = run("-c", PRINT_TASKS, DEBUG="1", TASKS_BACKEND=value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == backend


def test_an_unknown_tasks_backend_is_refused_at_start_up():
    result = run("-c", PRINT_TASKS, DEBUG="1", TASKS_BACKEND="celery")
    assert result.returncode != 0
    assert "TASKS_BACKEND must be one of immediate, database" in result.stderr


def test_system_checks_pass_with_the_database_task_queue():
    result = run("manage.py", "check", DEBUG="1", TASKS_BACKEND="database")
    assert result.returncode == 0, result.stderr
