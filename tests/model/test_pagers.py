from model.pagers import datastore_links, datastore_next, script_pages

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


# a Hanweb JCMS column page as served: the list is a datastore inside a script element
HANWEB = """<div id="4851098"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=3090&path=/&columnid=1559772&unitid=4851098&webname=%E5%8E%BF&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[
<li><a href="/art/2020/3/5/art_1559772_42.html" target="_blank" title="县召开会议">县召开会议</a><span>2020-03-05</span></li>
]]></record>
<record><![CDATA[<li><a href='http://www.x.gov.cn/art/2020/3/4/art_1559772_41.html'>第二条</a></li>]]></record>
</recordset></datastore></script><script src="/module/web/jpage/jpage.js"></script></div>"""


def test_a_hanweb_datastore_gives_its_records_links_and_the_next_group():
    base = "http://www.x.gov.cn/col/col1559772/index.html"
    assert datastore_links(HANWEB, base) == [
        "http://www.x.gov.cn/art/2020/3/5/art_1559772_42.html",
        "http://www.x.gov.cn/art/2020/3/4/art_1559772_41.html",
    ]
    (following,) = datastore_next(HANWEB, base)
    assert following.startswith("http://www.x.gov.cn/module/web/jpage/dataproxy.jsp?page=1&webid=")
    assert "&columnid=1559772&unitid=4851098&" in following


def test_the_last_group_and_pages_without_a_datastore_give_nothing():
    last = "<datastore><nextgroup><![CDATA[]]></nextgroup><recordset></recordset></datastore>"
    assert datastore_next(last, "http://x.cn/") == []
    assert datastore_links(last, "http://x.cn/") == []
    page = "<ul><li><a href='/art/1.html'>a</a></li></ul>"
    assert datastore_links(page, "http://x.cn/") == []
    assert datastore_next(page, "http://x.cn/") == []
