"""Fixtures: a fake Jira (Cloud and Data Center) and an adapter pointed at it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from deescalate_jira import JiraHelpdesk
from deescalate_jira.testing import FakeJiraServer

REPO_ROOT = Path(__file__).resolve().parents[3]


def shared_data(item: str) -> Path | None:
    """``../shared/data/<item>`` (or under ``DEESCALATE_SHARED_DATA``) when it is present."""
    roots = [os.environ.get("DEESCALATE_SHARED_DATA")]
    roots += [str(REPO_ROOT.parent / "shared" / "data")]
    roots += [str(REPO_ROOT.parent.parent / "shared" / "data")]
    for root in roots:
        if root and (Path(root) / item).is_dir():
            return Path(root) / item
    return None


@pytest.fixture(params=["cloud", "datacenter"])
def server(request: pytest.FixtureRequest) -> Iterator[FakeJiraServer]:
    """A fake Jira site, once as Cloud and once as Data Center."""
    with FakeJiraServer(cloud=request.param == "cloud") as fake:
        yield fake


@pytest.fixture
def cloud() -> Iterator[FakeJiraServer]:
    """A fake Jira Cloud site."""
    with FakeJiraServer(cloud=True) as fake:
        yield fake


@pytest.fixture
def datacenter() -> Iterator[FakeJiraServer]:
    """A fake Jira Data Center site."""
    with FakeJiraServer(cloud=False) as fake:
        yield fake


Build = Callable[..., JiraHelpdesk]


@pytest.fixture
def build() -> Iterator[Build]:
    """Build adapters for a fake (closed at the end of the test)."""
    built: list[JiraHelpdesk] = []

    def make(fake: FakeJiraServer, **overrides: Any) -> JiraHelpdesk:
        desk = JiraHelpdesk(fake.settings(**overrides))
        built.append(desk)
        return desk

    yield make
    for desk in built:
        desk.close()


@pytest.fixture
def desk(server: FakeJiraServer, build: Build) -> JiraHelpdesk:
    """An adapter on the parametrized fake, with JSM internal comments and project SUP."""
    return build(server, project="SUP")
