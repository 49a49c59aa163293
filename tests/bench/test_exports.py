"""bench.exports: two exports compared id for id, clusters as partitions."""

from __future__ import annotations

import json

from bench.exports import main


def write(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return str(path)


A = {"id": "a", "title": "甲", "cluster": "c1", "fetched": "2026-01-01"}
B = {"id": "b", "title": "乙", "cluster": "c1", "fetched": "2026-01-01"}
C = {"id": "c", "title": "丙", "cluster": "c3", "fetched": "2026-01-01"}


def test_same_pages_fetched_again_with_renamed_clusters_are_the_same(tmp_path, capsys):
    before = write(tmp_path / "1.jsonl", [A, B, C])
    renamed = [dict(r, cluster=r["cluster"] + "x", fetched="2026-02-02") for r in (C, B, A)]
    after = write(tmp_path / "2.jsonl", renamed)
    assert main([before, after]) == 0
    assert "fields that differ: none" in capsys.readouterr().out


def test_a_changed_field_a_lost_article_and_a_split_cluster_are_reported(tmp_path, capsys):
    before = write(tmp_path / "1.jsonl", [A, B, C])
    after = write(tmp_path / "2.jsonl", [dict(A, title="甲!"), dict(B, cluster="c9")])
    assert main([before, after]) == 1
    out = capsys.readouterr().out
    assert "1 only before" in out
    assert "title 1" in out
    assert "clusters: DIFFERENT" in out
