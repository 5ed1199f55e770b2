"""The plugin contract is documented and tested: a hook without docs or tests fails here."""

import inspect
from pathlib import Path

import pytest

from sid_connector import hookspecs

ROOT = Path(__file__).resolve().parents[2]
HOOKS = [name for name, value in vars(hookspecs).items() if name.startswith("sid_connector_") and callable(value)]


def signature_text(name: str) -> str:
    signature = inspect.signature(getattr(hookspecs, name))
    return f"def {name}{signature}".replace("'", "")


def test_there_are_hooks():
    assert len(HOOKS) >= 7


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_with_its_signature_and_an_example(hook):
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    section = docs.split(f"### `{hook}`", 1)
    assert len(section) == 2, f"docs/plugins.md has no section for {hook}"
    body = section[1].split("\n### ", 1)[0]
    assert signature_text(hook) in body, f"signature of {hook} missing or stale in docs/plugins.md"
    assert "@hookimpl" in body, f"no example for {hook}"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_docstring_with_an_example(hook):
    doc = getattr(hookspecs, hook).__doc__ or ""
    assert "Example::" in doc
    assert "@hookimpl" in doc


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_exercised_by_a_test(hook):
    tests = [p for p in (ROOT / "tests").rglob("test_*.py") if p.name != "test_docs.py"]
    assert any(hook in p.read_text(encoding="utf-8") for p in tests), f"no test mentions {hook}"


def test_every_message_has_both_languages():
    from sid_connector.i18n import MESSAGES

    for key, texts in MESSAGES.items():
        assert len(texts) == 2, key
        assert all(texts), key
