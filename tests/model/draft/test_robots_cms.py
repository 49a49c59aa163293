import re

from model.draft.builder import site_id, site_name
from model.draft.cms import recognize
from model.draft.robots import Robots

TEXT = """User-agent: Baiduspider
Disallow: /

User-agent: *
Disallow: /admin/
Disallow: /*.jsp$
Allow: /admin/public/
Sitemap: http://x.gov.cn/sitemap.xml
"""


def test_robots_rules_become_anchored_deny_regexes_and_sitemaps():
    robots = Robots(TEXT, agent="countynews/0.1 (+https://example.org)")
    assert robots.sitemaps == ["http://x.gov.cn/sitemap.xml"]
    assert robots.disallow == ["/admin/", "/*.jsp$"]
    assert not robots.allowed("http://x.gov.cn/admin/x.html")
    assert robots.allowed("http://x.gov.cn/news/1.html")
    admin, jsp = robots.deny_patterns("http://x.gov.cn")
    assert re.search(admin, "http://x.gov.cn/admin/x.html")
    assert not re.search(admin, "http://y.gov.cn/admin/x.html")
    assert re.search(jsp, "http://x.gov.cn/a/b.jsp")
    assert not re.search(jsp, "http://x.gov.cn/b.jsp?x=1")


def test_cms_families_are_recognized_with_their_clues():
    cases = {
        "TRS WCM": ["http://x.cn/xwzx/202010/t20201020_3456789.html"],
        "Hanweb JCMS": [
            "http://x.cn/art/2020/2/3/art_1234_5.html",
            "http://x.cn/col/col1234/index.html",
        ],
        "PHPCMS": ["http://x.cn/index.php?m=content&c=index&a=show&catid=2&id=3"],
        "DedeCMS": ["http://x.cn/a/xinwen/2020/0301/12.html", "http://x.cn/plus/view.php?aid=3"],
        "动易 PowerEasy (ASP)": ["http://x.cn/Article/ShowArticle.asp?ArticleID=3"],
        "Founder ENP": ["http://x.cn/content/2020-03/01/content_12.htm"],
    }
    for family, urls in cases.items():
        found = recognize(urls, [], [])
        assert found.family == family, (family, found)
        assert found.clues
    assert recognize(["http://x.cn/news/1.html"], ["nginx"], ["<html></html>"]).family is None


def test_id_and_name_from_the_home_page():
    assert site_id("http://www.szxww.com/") == "szxww"
    assert site_id("https://www.hongan.gov.cn/index.html") == "hongan"
    assert site_id("http://127.0.0.1:8801/") == "site_127_0_0_1_8801"
    assert site_name("首页 - 嵊州新闻网", "x") == "嵊州新闻网"
    assert site_name("新闻中心_红安网", "x") == "红安网"
    assert site_name("", "x.cn") == "x.cn"
