"""archive/ must run without Scrapy or Twisted (STYLE.md: Scrapy only at the edges)."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

from archive import Capture, HttpResponseData, RecordRef

ROOT = Path(__file__).resolve().parents[2]
BLOCKED = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("scrapy", "twisted"):
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
import archive, archive.cdxj, archive.wacz, archive.recovery, archive.parse
assert not any(m.split(".")[0] in ("scrapy", "twisted") for m in sys.modules)
print("ok")
"""


def test_archive_imports_without_scrapy_or_twisted():
    result = subprocess.run(
        [sys.executable, "-c", BLOCKED], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_public_types_pickle():
    items = [
        RecordRef("f.warc.gz", 1, 2, "<urn:uuid:x>", "2020-01-01T00:00:00Z"),
        HttpResponseData("http://a.test/", 200, [("A", "b")], b"x"),
        Capture("http://a.test/", "d", 200, [], b"x", "f", 0, 1),
    ]
    assert pickle.loads(pickle.dumps(items)) == items
