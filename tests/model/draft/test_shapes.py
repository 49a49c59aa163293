import re

import pytest

from model.draft.shapes import generalize, group, paging_pattern

CASES = [
    ("/art/2020/2/3/art_1234_5.html", "/art/2021/12/13/art_1234_61.html", "/art/{yyyy}/{m}/{d}/art_{n}_{n}.html"),
    ("/system/2020/02/25/032265361.shtml", "/system/2020/03/05/032265362.shtml", "/system/{yyyy}/{mm}/{dd}/{n}.shtml"),
    ("/xwzx/202010/t20201020_3456789.html", "/xwzx/202011/t20201103_3456790.html", "/xwzx/{yyyymm}/t{yyyymmdd}_{n}.html"),
    ("/2020/0301/12345.html", "/2020/1231/12346.html", "/{yyyy}/{mmdd}/{n}.html"),
    ("/Article/ShowArticle.asp?ArticleID=12", "/Article/ShowArticle.asp?ArticleID=1234", "/Article/ShowArticle.asp?ArticleID={n}"),
]  # fmt: skip


@pytest.mark.parametrize(("a", "b", "template"), CASES)
def test_urls_of_one_shape_get_a_named_template_and_an_anchored_regex(a, b, template):
    shapes = group([f"http://x.gov.cn{a}", f"http://x.gov.cn{b}"])
    assert len(shapes) == 1
    shape = next(iter(shapes.values()))
    assert shape.template() == template
    pattern = shape.pattern()
    assert pattern.startswith("^http://x\\.gov\\.cn/")
    assert pattern.endswith("$")
    assert ".*" not in pattern
    assert re.search(pattern, f"http://x.gov.cn{a}")
    assert re.search(pattern, f"http://x.gov.cn{b}")
    assert not re.search(pattern, f"http://x.gov.cn{a}_print")
    assert not re.search(pattern, f"http://y.gov.cn{a}")


@pytest.mark.parametrize(
    ("first", "page", "other"),
    [
        ("/news/index.shtml", "/news/index_2.shtml", "/news/index_x.shtml"),
        ("/col/col12/index.html", "/col/col12/index.html?uid=3&pageNum=2", "/col/col12/index.htm"),
        ("/node_1.html", "/node_1_2.html", "/node_1_a.html"),
        ("/a/xinwen/", "/a/xinwen/list_3_2.html", "/a/xinwen/2020/0301/1.html"),
    ],
)
def test_a_list_and_its_pagination_merge_into_one_regex(first, page, other):
    a, b = group([f"http://x.cn{first}", f"http://x.cn{page}"]).values()
    merged = paging_pattern(a, b)
    assert merged is not None
    assert re.search(merged, f"http://x.cn{first}")
    assert re.search(merged, f"http://x.cn{page}")
    assert not re.search(merged, f"http://x.cn{other}")


def test_shapes_without_an_insertion_do_not_merge():
    a, b = group(["http://x.cn/news/index.html", "http://x.cn/2020/0301/1.html"]).values()
    assert paging_pattern(a, b) is None


def test_three_columns_of_one_shape_generalize_and_two_do_not():
    urls = [f"http://x.cn/{c}/202012/t20201227_{i}.html" for i, c in enumerate(["xwdt", "tzgg"])]
    assert len(generalize(list(group(urls).values()))) == 2
    urls.append("http://x.cn/bmdt/202101/t20210120_9.html")
    (merged,) = generalize(list(group(urls).values()))
    assert merged.template() == "/{column}/{yyyymm}/t{yyyymmdd}_{n}.html"
    assert re.search(merged.pattern(), "http://x.cn/zwgk/202103/t20210301_12.html")
    assert not re.search(merged.pattern(), "http://x.cn/zw/gk/202103/t20210301_12.html")
