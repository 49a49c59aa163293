from model.pagers import script_pages

PAGER = '<div class="page"><script>createPageHTML(4, {current}, "index", "html");</script></div>'


def test_a_trs_script_pager_gives_the_other_pages_of_the_list():
    first = script_pages(PAGER.format(current=0), "http://x.cn/xwzx/xwdt/index.html")
    assert first == [f"http://x.cn/xwzx/xwdt/index_{i}.html" for i in (1, 2, 3)]
    last = script_pages(PAGER.format(current=3), "http://x.cn/xwzx/xwdt/index_3.html")
    assert last[0] == "http://x.cn/xwzx/xwdt/index.html"
    assert len(last) == 3


def test_pages_without_a_script_pager_give_nothing():
    assert script_pages("<a href='index_1.html'>2</a>", "http://x.cn/") == []
    assert script_pages("createPageHTML(x)", "http://x.cn/") == []
