"""Page chrome: navigation, breadcrumbs, tool bars, link lists, comments, footers, QR blocks.

Each function renders one block in the template's variant and records its markers (texts the
page shows and no article body holds). Link titles are chrome headlines (``text.py``).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from tests.simulator.templates.text import NAV_ITEMS, chrome_headline

if TYPE_CHECKING:
    from tests.simulator.templates.context import Ctx

COMMENT_RULES = (
    "评论须知：1.遵守中华人民共和国有关法律、法规，尊重网上道德，承担一切因您的行为而直接或间接引起的法律责任。"
    "2.本站拥有管理笔名和留言的一切权利。3.您在本站留言板发表的作品，本站有权在网站内转载或引用。"
    "4.参与本留言即表明您已经阅读并接受上述条款。"
)
CHANGYAN = "网友评论 文明上网理性发言，请遵守新闻评论服务协议 0人参与 0条评论"
DISCLAIMER = (
    "免责声明：本网站所转载的内容，其版权均归原作者所有。本网站转载此文出于传递更多信息之目的，"
    "并不意味着赞同其观点或证实其描述，如有侵权请及时联系本网删除。"
)
_RELATED = {
    "xiangguan_yuedu": "相关阅读",
    "xiangguan_xinxi": "相关信息",
    "redian": "热点信息",
    "yanshen": "延伸阅读",
    "tuijian": "推荐阅读",
}
_FRIENDS = (
    "中国政府网",
    "省人民政府网",
    "国家统计局网站",
    "中国文明网",
    "全国人大网",
    "市政务服务网",
)


def _links(ctx: Ctx, component: str, count: int, dated: bool = False, long: bool = False) -> str:
    rows = []
    for _ in range(count):
        title = chrome_headline(ctx.rng)
        if long:
            title = f"{title}，{chrome_headline(ctx.rng)}"
        ctx.mark(component, title)
        date = f"<span>[{ctx.draft.published:%m-%d}]</span>" if dated else ""
        href = f"/art/{ctx.rng.randint(10**5, 10**6)}.html"
        rows.append(f'<li><a href="{href}" title="{escape(title)}">{escape(title)}</a>{date}</li>')
    return "<ul>" + "".join(rows) + "</ul>"


def nav(ctx: Ctx) -> str:
    kind = ctx.c("nav")
    items = ctx.rng.sample(NAV_ITEMS, ctx.rng.randint(6, 11))
    ctx.mark(f"nav:{kind}", *[i for i in items if i != "首页"])
    links = [f'<a href="/{ctx.rng.randint(1, 99)}/">{escape(i)}</a>' for i in items]
    if kind == "ul":
        return '<ul class="nav">' + "".join(f"<li>{a}</li>" for a in links) + "</ul>\n"
    if kind == "bar":
        return '<div class="menu">' + " | ".join(links) + "</div>\n"
    cells = "".join(f'<td class="navtd">{a}</td>' for a in links)
    return f'<table class="nav" width="100%"><tr>{cells}</tr></table>\n'


def topbar(ctx: Ctx) -> str:
    if ctx.c("topbar") == "none":
        return ""
    ctx.mark("topbar:links", "设为首页", "加入收藏", "无障碍浏览")
    return (
        '<div class="topbar"><a href="#">设为首页</a> <a href="#">加入收藏</a> '
        '<a href="#">无障碍浏览</a> <a href="#">繁体版</a></div>\n'
    )


def crumbs(ctx: Ctx) -> str:
    kind = ctx.c("crumbs")
    if kind == "none":
        return ""
    head = {"dangqian": "当前位置：", "nin_xianzai": "您现在的位置：", "weizhi": "位置："}[kind]
    sep = ctx.rng.choice((" &gt; ", " &gt;&gt; ", " → ", " » "))
    ctx.mark(f"crumbs:{kind}", head)
    col = ctx.chrome_text(f"crumbs:{kind}", ctx.site.column)
    tail = " &gt; 正文" if ctx.rng.random() < 0.5 else ""
    return f'<div class="position">{head}<a href="/">首页</a>{sep}<a href="/col/">{col}</a>{tail}</div>\n'


def fontsize(ctx: Ctx) -> str:
    kind = ctx.c("fontsize")
    text = ctx.rng.choice(("字体：[大 中 小]", "【字号：大 中 小】", "【字体：大 中 小】"))
    ctx.mark(f"fontsize:{kind}", text[:3])
    big, mid, small = (
        f'<a href="javascript:doZoom({s})">{w}</a>' for s, w in ((18, "大"), (16, "中"), (14, "小"))
    )
    return f'<span class="fontsize">{text[:4]}{big} {mid} {small}{text[-1]}</span>'


def print_close(ctx: Ctx) -> str:
    kind = ctx.c("print_close")
    if kind == "none":
        return ""
    if kind == "bracket":
        ctx.mark("print_close:bracket", "【打印本页】", "【关闭窗口】")
        return '<a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a>'
    ctx.mark("print_close:plain", "打印此页", "关闭窗口")
    return '<a href="javascript:window.print()">打印此页</a> | <a href="javascript:window.close()">关闭窗口</a>'


def share(ctx: Ctx) -> str:
    kind = ctx.c("share")
    if kind == "text":
        ctx.mark("share:text", "分享到：")
        return '<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>'
    if kind == "icons":
        ctx.mark("share:icons", "分享：")
        return (
            '<div class="share-icons"><span>分享：</span><a class="wx" title="分享到微信">微信</a>'
            '<a class="wb" title="分享到新浪微博">新浪微博</a><a class="qq" title="分享到QQ空间"></a></div>'
        )
    ctx.mark("share:bdshare", "分享到：", '<div class="bdsharebuttonbox"')
    return (
        '<div class="bdsharebuttonbox"><a href="#" class="bds_more" data-cmd="more">分享到：</a>'
        '<a href="#" class="bds_weixin" data-cmd="weixin" title="分享到微信"></a>'
        '<a href="#" class="bds_tsina" data-cmd="tsina" title="分享到新浪微博"></a></div>'
        "<script>window._bd_share_config={common:{bdSnsKey:{},bdText:''},share:{}};</script>"
    )


def tools(ctx: Ctx) -> str:
    """The tool bar under the article: font size (when placed here), print/close, 纠错."""
    parts = []
    if ctx.c("fontsize") == "tools":
        parts.append(fontsize(ctx))
    parts.append(print_close(ctx))
    if ctx.c("jiucuo") == "yes":
        ctx.mark("jiucuo:yes", "【我要纠错】")
        parts.append('<a href="/jiucuo/">【我要纠错】</a>')
    if ctx.c("back_top") == "yes":
        ctx.mark("back_top:yes", "返回顶部")
        parts.append('<a href="#top">返回顶部</a>')
    parts = [p for p in parts if p]
    return f'<div class="tools">{" ".join(parts)}</div>\n' if parts else ""


def prevnext(ctx: Ctx) -> str:
    kind = ctx.c("prevnext")
    if kind == "none":
        return ""
    word = "条" if kind == "tiao" else "篇"
    first = f"上一{word}："
    ctx.mark(f"prevnext:{kind}", first)
    one, two = chrome_headline(ctx.rng), chrome_headline(ctx.rng)
    ctx.mark(f"prevnext:{kind}", one)
    if kind == "meiyou" and ctx.rng.random() < 0.5:
        nxt = "没有了"
    else:
        ctx.mark(f"prevnext:{kind}", two)
        nxt = f'<a href="/art/{ctx.rng.randint(10**5, 10**6)}.html">{escape(two)}</a>'
    return (
        f'<div class="prevnext"><p>{first}<a href="/art/{ctx.rng.randint(10**5, 10**6)}.html">'
        f"{escape(one)}</a></p><p>下一{word}：{nxt}</p></div>\n"
    )


def comments(ctx: Ctx) -> str:
    kind = ctx.c("comments")
    if kind == "none":
        return ""
    if kind == "form_rules":
        ctx.mark("comments:form_rules", "发表评论", COMMENT_RULES)
        return (
            '<div class="comment"><h3>发表评论</h3><form action="/comment/"><textarea name="content">'
            '</textarea><input type="submit" value="提交"></form>'
            f'<div class="comment-rules">{COMMENT_RULES}</div></div>\n'
        )
    if kind == "count_only":
        ctx.mark("comments:count_only", "网友评论", "查看全部评论")
        return (
            '<div class="pl"><span>网友评论</span> 已有0人参与 <a href="#">查看全部评论</a></div>\n'
        )
    ctx.mark("comments:changyan", CHANGYAN, '<div id="SOHUCS"')
    return f'<div id="SOHUCS" sid="{ctx.rng.randint(10**5, 10**6)}"><div class="cy">{CHANGYAN}</div></div>\n'


def related(ctx: Ctx) -> str:
    kind = ctx.c("related")
    if kind == "none":
        return ""
    head = _RELATED[kind]
    ctx.mark(f"related:{kind}", head)
    return f'<div class="related"><h3>{head}</h3>{_links(ctx, f"related:{kind}", ctx.rng.randint(3, 8), dated=ctx.rng.random() < 0.5)}</div>\n'


def friendlinks(ctx: Ctx) -> str:
    kind = ctx.c("friendlinks")
    if kind == "none":
        return ""
    names = ctx.rng.sample(_FRIENDS, 4)
    ctx.mark(f"friendlinks:{kind}", *names)
    if kind == "list":
        ctx.mark("friendlinks:list", "友情链接")
        links = " ".join(f'<a href="http://{i}.example/">{n}</a>' for i, n in enumerate(names))
        return f'<div class="links"><span>友情链接：</span>{links}</div>\n'
    opts = "".join(f'<option value="http://{i}.example/">{n}</option>' for i, n in enumerate(names))
    return f'<div class="links"><select><option>--相关网站--</option>{opts}</select></div>\n'


def footer(ctx: Ctx) -> str:
    kind, s = ctx.c("footer"), ctx.site
    if kind == "icp_gov":
        ctx.mark("footer:icp_gov", f"版权所有：{s.name}", s.icp, f"网站标识码：{s.site_code}")
        return (
            f'<div class="footer"><p>主办单位：{s.place}人民政府办公室 承办单位：{s.place}大数据发展中心</p>'
            f"<p>版权所有：{s.name} 网站标识码：{s.site_code} "
            f'<a href="https://beian.miit.gov.cn/">{s.icp}</a> 公安备案号 {s.site_code}01号</p>'
            "<p>建议使用1024×768以上分辨率浏览本站</p></div>\n"
        )
    if kind == "copyright_en":
        ctx.mark("footer:copyright_en", "All Rights Reserved", s.icp)
        return (
            f'<div class="footer">Copyright &copy; 2008-2023 {escape(s.name)} All Rights Reserved. '
            f'<a href="https://beian.miit.gov.cn/">{s.icp}</a> 技术支持：某某网络科技有限公司</div>\n'
        )
    ctx.mark("footer:simple", f"{s.name}版权所有")
    return f'<div class="footer">{s.name}版权所有 未经授权禁止复制 {s.icp}</div>\n'


def qr(ctx: Ctx) -> str:
    kind = ctx.c("qr")
    if kind == "none":
        return ""
    text = (
        "扫一扫在手机打开当前页" if kind == "scan_open" else f"扫一扫关注{ctx.site.name}微信公众号"
    )
    ctx.mark(f"qr:{kind}", text)
    return f'<div class="qrcode"><img src="/images/qrcode.png" alt="二维码"><p>{escape(text)}</p></div>\n'


def sidebar(ctx: Ctx, extra: str = "") -> str:
    kind = ctx.c("sidebar")
    if kind == "none":
        return extra
    if kind == "hot_long":
        ctx.mark("sidebar:hot_long", "热门文章")
        body = (
            f"<h3>热门文章</h3>{_links(ctx, 'sidebar:hot_long', ctx.rng.randint(5, 9), long=True)}"
        )
    else:
        ctx.mark("sidebar:columns", "图片新闻", "专题专栏")
        body = f"<h3>图片新闻</h3>{_links(ctx, 'sidebar:columns', 4)}<h3>专题专栏</h3>{_links(ctx, 'sidebar:columns', 3)}"
    return f'<div class="sidebar">{body}{extra}</div>\n'


def disclaimer(ctx: Ctx) -> str:
    if ctx.c("disclaimer") == "none":
        return ""
    ctx.mark("disclaimer:mianze", DISCLAIMER)
    return f'<div class="statement"><p>{DISCLAIMER}</p></div>\n'


def video(ctx: Ctx) -> str:
    if ctx.c("video") == "none":
        return ""
    ctx.mark("video:fallback", "您的浏览器不支持 video 标签。")
    return (
        f'<p style="text-align:center"><video controls width="600" src="/media/{ctx.rng.randint(10**5, 10**6)}.mp4">'
        "您的浏览器不支持 video 标签。</video></p>\n"
    )


_POSTS = (
    "说得好，为家乡的发展点赞！",
    "希望相关部门继续加大力度，把好事办实办好。",
    "我们村也在推进这项工作，效果很明显，老百姓都说好。",
    "期待更多这样的好消息，家乡越来越美了！",
    "这个政策很接地气，老百姓得到了实实在在的实惠。",
)


def comment_posts(ctx: Ctx) -> str:
    """Readers' comments: short prose under the article, never body."""
    if ctx.c("comment_posts") == "none":
        return ""
    rows = []
    for text in ctx.rng.sample(_POSTS, ctx.rng.randint(2, 4)):
        ctx.mark("comment_posts:posts", text)
        who = f"{ctx.rng.choice(('浙江', '江苏', '山东', '湖北'))}网友"
        rows.append(f'<li><span class="user">{who}</span><p>{text}</p></li>')
    ctx.mark("comment_posts:posts", "最新评论")
    return f'<div class="comment-list"><h4>最新评论</h4><ul>{"".join(rows)}</ul></div>\n'


def summary(ctx: Ctx) -> str:
    """A 摘要/导读 box above the content repeating the opening words (not body)."""
    kind = ctx.c("summary")
    if kind == "none":
        return ""
    head = "摘要：" if kind == "zhaiyao" else "【导读】"
    ctx.mark(f"summary:{kind}", head)
    opening = ctx.body_text(ctx.draft.paragraphs[0][:40])
    return f'<div class="summary"><strong>{head}</strong>{opening}……</div>\n'


def attachments(ctx: Ctx) -> str:
    if ctx.c("attachments") == "none":
        return ""
    names = [
        f"{i}.{chrome_headline(ctx.rng)}工作方案.{ext}" for i, ext in ((1, "docx"), (2, "pdf"))
    ]
    ctx.mark("attachments:files", "附件：", *names)
    links = "".join(
        f'<p><a href="/uploads/{i}.{n[-4:]}">{escape(n)}</a></p>' for i, n in enumerate(names)
    )
    return f'<div class="attach"><p>附件：</p>{links}</div>\n'


def pager(ctx: Ctx) -> str:
    if ctx.c("pager") == "none":
        return ""
    ctx.mark("pager:pages", "下一页")
    return (
        '<div class="page_nav"><a href="#">上一页</a> <span>1</span> <a href="?page=2">2</a> '
        '<a href="?page=3">3</a> <a href="?page=2">下一页</a></div>\n'
    )


def hidden(ctx: Ctx) -> str:
    """Hidden keyword fields CMSs leave in the content area."""
    if ctx.c("hidden") == "none":
        return ""
    text = f"关键词：{ctx.site.place} {ctx.site.column} 新闻动态"
    ctx.mark("hidden:display_none", text)
    return f'<div style="display:none">{escape(text)}</div>\n'
