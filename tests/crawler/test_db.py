"""Storage and the persistent duplicate index, on SQLite and (when it runs) PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError

from crawler.db.models import ArticleVersionRow, CaptureRow
from crawler.db.repository import iter_articles, record_captures, store_article, store_articles
from crawler.db.session import open_database
from model.items import Article
from pipelines.dedup.hashing import content_hash, minhash
from pipelines.dedup.index import assign, index_signature
from pipelines.store import store_batch
from tests.helpers import service_missing

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
STORY = (
    "嵊州市委常委会会议暨市疫情防控工作领导小组会议召开，会议传达学习了上级有关会议精神。"
    "会议强调，要统筹推进疫情防控和经济社会发展工作，全力以赴做好复工复产各项工作。"
    "各地各部门要压实责任，细化措施，确保各项工作落到实处，为全年目标任务完成打下坚实基础。"
)
OTHER = "红安县召开春季农业生产工作会议，部署春耕备耕、农资供应和农田水利建设等重点工作任务。"


def _postgres_available() -> bool:
    """True when PostgreSQL answers; only a refused or failed connection means it is absent,
    any other error is a failure of the test."""
    try:
        with create_engine(PG_ADMIN).connect():
            return True
    except OperationalError:
        return False


@pytest.fixture(params=["sqlite", "postgresql"])
def factory(request, tmp_path):
    if request.param == "sqlite":
        yield open_database(f"sqlite:///{tmp_path / 'a.db'}")
        return
    if not _postgres_available():
        service_missing("PostgreSQL is not running on 127.0.0.1:5432")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    made = open_database(f"postgresql://postgres@127.0.0.1:5432/{name}")
    yield made
    made.kw["bind"].dispose()
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))


def article(aid: str, body: str, site: str = "a", published: str | None = None, **kw) -> Article:
    return Article(
        id=aid, url=f"http://{site}.test/{aid}.html", site=site, title="标题", text=body,
        content_hash=content_hash(body), minhash=minhash(body), published=published, **kw,
    )  # fmt: skip


def ingest(session, art):
    kind = assign(session, art)
    index_signature(session, art)
    outcome = store_article(session, art)
    session.commit()
    return kind, outcome


def test_store_new_unchanged_changed_keeps_versions(factory):
    with factory() as session:
        assert ingest(session, article("a1", STORY))[1] == "new"
        assert ingest(session, article("a1", STORY))[1] == "unchanged"
        assert ingest(session, article("a1", STORY + "新增一句。"))[1] == "changed"
        old = session.scalars(
            select(ArticleVersionRow).where(ArticleVersionRow.article_id == "a1")
        ).all()
        assert [v.data["text"] for v in old] == [STORY]
        stored = list(iter_articles(session))
        assert [a.text for a in stored] == [STORY + "新增一句。"]


def test_storing_a_batch_equals_storing_one_by_one(factory):
    def batch():
        return [
            article("a1", STORY + "改了。"),  # stored before: changed
            article("b2", OTHER),  # new
            article("b2", OTHER + "再改。"),  # new, then changed within the batch
            article("c3", STORY, site="c"),  # new
            article("d4", STORY),  # stored before: unchanged
        ]

    with factory() as session:
        for aid in ("a1", "d4"):
            ingest(session, article(aid, STORY))
        assert store_articles(session, batch()) == [
            "changed", "new", "changed", "new", "unchanged",
        ]  # fmt: skip
        session.commit()
        stored = {a.id: a.text for a in iter_articles(session)}
        assert stored == {
            "a1": STORY + "改了。", "b2": OTHER + "再改。", "c3": STORY, "d4": STORY,
        }  # fmt: skip
        old = session.scalars(
            select(ArticleVersionRow).where(ArticleVersionRow.article_id == "b2")
        ).all()
        assert [v.data["text"] for v in old] == [OTHER]
        record_captures(
            session,
            [
                {"url": "http://a.test/x", "site": "a", "status": 200, "etag": "1"},
                {"url": "http://a.test/x", "site": "a", "status": 200, "etag": "2"},
                {"url": "http://a.test/y", "site": "a", "status": 200, "etag": "3"},
            ],
        )
        session.commit()
        etags = dict(session.execute(select(CaptureRow.url, CaptureRow.etag)).all())
    assert etags == {"http://a.test/x": "2", "http://a.test/y": "3"}


def test_exact_copy_points_to_the_earliest_published(factory):
    with factory() as session:
        ingest(session, article("b2", STORY, site="b", published="2020-02-26"))
        assert ingest(session, article("a1", STORY, published="2020-02-25"))[0] == "exact"
        ingest(session, article("c3", OTHER, site="c"))
        rows = {a.id: a for a in iter_articles(session)}
    assert rows["a1"].duplicate_of is None
    assert rows["b2"].duplicate_of == "a1"
    assert rows["a1"].cluster == rows["b2"].cluster
    assert rows["c3"].cluster != rows["a1"].cluster
    assert rows["c3"].duplicate_of is None


def test_near_copy_joins_the_cluster_across_sessions(factory):
    edited = STORY.replace("全力以赴", "全力") + "来源：宿豫区融媒体中心。"
    with factory() as session:
        ingest(session, article("a1", STORY, published="2020-02-25T08:00:00+08:00"))
    with factory() as session:  # a later run sees the index of the earlier one
        kind, _ = ingest(
            session, article("d4", edited, site="d", published="2020-02-25T10:00:00+08:00")
        )
        rows = {a.id: a for a in iter_articles(session)}
    assert kind == "near"
    assert rows["d4"].duplicate_of == "a1"
    assert rows["d4"].cluster == rows["a1"].cluster


def _open(url: str) -> list[str]:
    from sqlalchemy import inspect

    factory = open_database(url)
    return sorted(inspect(factory.kw["bind"]).get_table_names())


def test_processes_opening_a_fresh_database_at_once_migrate_it_once(tmp_path):
    import multiprocessing

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    with multiprocessing.get_context("spawn").Pool(6) as pool:
        tables = pool.map(_open, [url] * 6)
    assert all("articles" in t for t in tables)
    assert len({tuple(t) for t in tables}) == 1


def test_a_fresh_file_another_connection_is_writing_is_opened_once_it_commits(tmp_path):
    """Two processes opening a brand-new file at once: one holds a write lock while the other
    turns the file to WAL, and SQLite answers that one "database is locked" at once, without
    waiting. The open must wait for the writer instead of failing the crawl."""
    import sqlite3
    import threading

    path = tmp_path / "fresh.db"
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    writer.execute("CREATE TABLE other (a)")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO other VALUES (1)")
    threading.Timer(0.3, writer.execute, ["COMMIT"]).start()
    factory = open_database(f"sqlite:///{path}")
    with factory() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("SELECT count(*) FROM other")).scalar() == 1
    writer.close()


def _pointer(factory, aid: str) -> tuple[str | None, int | None, int | None]:
    from crawler.db.models import ArticleRow

    with factory() as session:
        row = session.get(ArticleRow, aid)
        assert row is not None
        return row.warc_file, row.warc_offset, row.warc_length


def test_a_writer_never_keeps_half_of_another_writers_pointer(factory):
    def at(file: str, offset: int, length: int) -> Article:
        return article("a1", STORY, warc={"file": file, "offset": offset, "length": length})

    from crawler.db.models import ArticleRow

    with factory() as first, factory() as second:
        store_article(first, at("one.warc.gz", 100, 10))
        first.commit()
        # `first` read the row, then another writer stored the article again and committed
        # (READ COMMITTED lets that happen between a writer's SELECT and its UPDATE)
        seen = first.get(ArticleRow, "a1")
        store_article(second, at("two.warc.gz", 200, 20))
        second.commit()
        store_article(first, at("three.warc.gz", 100, 10))  # the offset `first` saw
        first.commit()
        assert seen is not None
    # before: ("three.warc.gz", 200, 20), the file of one capture with the offset of another
    assert _pointer(factory, "a1") == ("three.warc.gz", 100, 10)


def test_store_transactions_of_two_writers_never_overlap(factory):
    import threading

    from crawler.db.session import store_lock

    entered = threading.Event()

    def second_writer() -> None:
        with factory() as session, store_lock(session):
            entered.set()
            session.commit()

    thread = threading.Thread(target=second_writer)
    with factory() as session, store_lock(session):
        store_article(session, article("a1", STORY))  # not committed yet
        thread.start()
        assert not entered.wait(0.5), "a second store transaction ran inside the first"
        session.commit()
    thread.join(10)
    assert entered.is_set()


def test_records_a_repair_drops_leave_their_articles_flagged_and_their_captures_forgotten(
    factory,
):
    from crawler.db.repository import WARC_LOST, forget_lost_records

    def at(aid: str, file: str, offset: int) -> Article:
        warc = {"file": file, "offset": offset, "length": 100}
        capture = {"url": f"http://a.test/{aid}.html", "site": "a", "status": 200,
                   "warc_file": file, "warc_offset": offset, "warc_length": 100}  # fmt: skip
        return article(aid, STORY + aid, warc=warc, capture=capture)

    arts = [at("a0", "f.warc.gz", 0), at("a1", "f.warc.gz", 100), at("a2", "f.warc.gz", 200),
            at("b0", "g.warc.gz", 200)]  # fmt: skip
    with factory() as session:
        store_batch(session, arts)
        session.commit()
        # the file is cut at byte 150: a1's record loses its end, a2's is gone
        assert sorted(forget_lost_records(session, "f.warc.gz", 150)) == [
            "http://a.test/a1.html", "http://a.test/a2.html",
        ]  # fmt: skip
        session.commit()
        stored = {a.id: a for a in iter_articles(session)}
        captured = set(session.scalars(select(CaptureRow.url)))
    assert stored["a0"].warc == {"file": "f.warc.gz", "offset": 0, "length": 100}
    assert stored["b0"].warc is not None
    for aid in ("a1", "a2"):
        assert stored[aid].warc is None
        assert WARC_LOST in stored[aid].flags
        assert stored[aid].text == STORY + aid  # the article stays; only its record is gone
    assert captured == {"http://a.test/a0.html", "http://a.test/b0.html"}
