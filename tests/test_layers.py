"""The import contract: which layer may import what, read from the source (every import
statement that runs, ``TYPE_CHECKING`` blocks excluded, followed through the project's own
modules), plus one run of the CPU stage with Scrapy and Twisted blocked.

- ``model`` and ``archive``: no Scrapy/Twisted, no database, no pipelines, no wiring;
- ``pipelines.extract`` and ``pipelines.normalize``: no Scrapy/Twisted and no database;
- ``pipelines.dedup.hashing`` and ``pipelines.dedup.canonical``: the same (workers run them).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from tests.helpers import ROOT

PACKAGES = ("model", "archive", "pipelines", "crawler", "spiders")
SCRAPY = ("scrapy", "twisted", "scrapy_redis")
DATABASE = ("sqlalchemy", "alembic", "psycopg", "crawler.db")
WIRING = ("crawler", "spiders", "pipelines")
CONTRACTS = {
    "model": SCRAPY + DATABASE + WIRING + ("archive",),
    "archive": SCRAPY + DATABASE + WIRING + ("model",),
    "pipelines.extract": SCRAPY + DATABASE + ("crawler", "spiders"),
    "pipelines.normalize": SCRAPY + DATABASE + ("crawler", "spiders"),
    "pipelines.dedup.hashing": SCRAPY + DATABASE + ("crawler", "spiders"),
    "pipelines.dedup.canonical": SCRAPY + DATABASE + ("crawler", "spiders"),
}


def _module_file(name: str) -> Path | None:
    base = ROOT.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


@cache
def direct_imports(name: str) -> frozenset[str]:
    """Modules a project module imports at run time (absolute names)."""
    path = _module_file(name)
    if path is None:
        return frozenset()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit(sub)
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")
                    parent = parts[: len(parts) - child.level + 1]
                    base = ".".join([*parent, base] if base else parent)
                found.add(base)
                # "from pkg import mod" imports pkg.mod when that is a module of ours
                found.update(
                    f"{base}.{alias.name}"
                    for alias in child.names
                    if _module_file(f"{base}.{alias.name}")
                )
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return frozenset(found)


def closure(name: str) -> dict[str, str]:
    """Every module reachable from ``name`` -> the project module that imports it."""
    seen: dict[str, str] = {}
    todo = [name, *(f"{name}.{p.stem}" for p in _package_modules(name))]
    while todo:
        current = todo.pop()
        for imported in direct_imports(current):
            if imported in seen:
                continue
            seen[imported] = current
            parts = imported.split(".")
            # importing a.b.c runs a/__init__ and a/b/__init__ too
            todo.extend(".".join(parts[:i]) for i in range(1, len(parts) + 1)
                        if parts[0] in PACKAGES)  # fmt: skip
    return seen


def _package_modules(name: str) -> list[Path]:
    folder = ROOT.joinpath(*name.split("."))
    return sorted(folder.rglob("*.py")) if folder.is_dir() else []


def _rel(path: Path, name: str) -> str:
    rel = path.relative_to(ROOT.joinpath(*name.split("."))).with_suffix("")
    return ".".join(p for p in rel.parts if p != "__init__")


@pytest.mark.parametrize("layer", sorted(CONTRACTS))
def test_layer_imports_only_what_its_contract_allows(layer):
    modules = [layer] + [
        f"{layer}.{rel}" for p in _package_modules(layer) if (rel := _rel(p, layer))
    ]
    bad = set()
    for module in modules:
        for imported, importer in closure(module).items():
            banned = any(imported == f or imported.startswith(f + ".") for f in CONTRACTS[layer])
            if banned and not imported.startswith(layer):
                bad.add(f"{importer} imports {imported}")
    assert not bad, "\n".join(sorted(bad))


def test_the_contract_check_sees_a_violation():
    """The checker itself: the item pipelines do import Scrapy and the database."""
    reached = closure("pipelines.stages")
    assert "scrapy.exceptions" in reached
    assert any(name.startswith("crawler.db") for name in reached)


SCRIPT = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("scrapy", "twisted", "sqlalchemy"):
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
from model.items import Article, Page
from pipelines import cpu_stage
html = "<html><head><title>标题_测试网</title></head><body><h1>标题</h1>" + (
    "<p>" + "县里召开会议部署春耕生产工作，要求各乡镇抓好落实。" * 4 + "</p>") * 5 + "</body></html>"
result = cpu_stage(Page(url="http://a.test/2020/0323/1.html", body=html.encode()), None)
assert isinstance(result, Article), result
assert result.minhash and result.content_hash
print("ok")
"""


def test_cpu_stage_runs_with_scrapy_twisted_and_the_database_blocked():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "ok"
