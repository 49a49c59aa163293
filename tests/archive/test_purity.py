"""archive/ types cross process boundaries (replay workers): they pickle. The no-Scrapy rule
for archive/ is checked with the other pure layers in tests/test_layers.py."""

from __future__ import annotations

import pickle

from archive import Capture, HttpResponseData, RecordRef


def test_public_types_pickle():
    items = [
        RecordRef("f.warc.gz", 1, 2, "<urn:uuid:x>", "2020-01-01T00:00:00Z"),
        HttpResponseData("http://a.test/", 200, [("A", "b")], b"x"),
        Capture("http://a.test/", "d", 200, [], b"x", "f", 0, 1),
    ]
    assert pickle.loads(pickle.dumps(items)) == items
