"""The documentation's Python examples run, and its pages are all in the site's navigation."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.conftest import REPO_ROOT

PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
DOCUMENTS = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").rglob("*.md"))]


def _blocks() -> list[tuple[str, str]]:
    found = []
    for path in DOCUMENTS:
        for index, block in enumerate(PYTHON_BLOCK.findall(path.read_text(encoding="utf-8"))):
            found.append((f"{path.relative_to(REPO_ROOT)}#{index + 1}", block))
    return found


@pytest.mark.parametrize(("where", "code"), _blocks(), ids=[w for w, _ in _blocks()])
def test_python_examples_run(where: str, code: str) -> None:
    """Each ```python block in the README and docs/ executes without error."""
    exec(compile(code, where, "exec"), {"__name__": "__docs__"})


def _nav_files(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [f for item in node for f in _nav_files(item)]
    if isinstance(node, dict):
        return [f for value in node.values() for f in _nav_files(value)]
    return []


def test_every_page_is_in_the_navigation() -> None:
    """mkdocs.yml lists every page under docs/, and every listed page exists."""
    config = yaml.safe_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    listed = set(_nav_files(config["nav"]))
    present = {
        p.relative_to(REPO_ROOT / "docs").as_posix() for p in (REPO_ROOT / "docs").rglob("*.md")
    }
    assert listed == present
