"""Fixtures for archive tests."""

from __future__ import annotations

import pytest

from tests.archive.factory import make_writer


@pytest.fixture
def writer(tmp_path):
    w = make_writer(tmp_path / "warc")
    yield w
    w.close()
