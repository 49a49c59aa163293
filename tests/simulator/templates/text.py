"""What a fuzzed page says: the site of a template and the article of a page (a ``Draft``).

Headlines and paragraphs come from the simulator's ``Generator`` (seed sentences); names from
``corpus.NAMES``. Chrome headlines (相关阅读, 上一篇, sidebars) and captions are built from
places and events that never occur in the seed sentences, so chrome text is never a substring
of an article body.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tests.simulator import corpus
from tests.simulator.model import CST, Generator

# fmt: off
PLACES = (
    "青山", "临江", "安平", "永和", "丰宁", "东阳", "南川", "西峡", "北屯", "龙泉", "凤台", "桃源", "云和", "金寨",
    "玉环", "石门", "白水", "宁海", "长兴", "德清", "仙居", "海盐", "平湖", "武义", "浦江", "磐安", "三门", "天台",
    "松阳", "遂昌", "庆元", "景宁", "泰顺", "文成", "苍南", "洞头", "清河", "柳城", "梅溪", "鹤山",
)
_PINYIN = {p: f"s{i:02d}" for i, p in enumerate(PLACES)}
EVENTS = (
    "召开安全生产工作推进会", "开展森林防火专项检查", "举行新时代文明实践志愿服务活动", "推进美丽乡村示范带建设",
    "部署防汛防台工作", "启动全民健身月系列活动", "召开党史学习教育动员大会", "举办农民丰收节庆祝活动",
    "开展消费帮扶集中采购", "表彰一批优秀共产党员", "开展垃圾分类宣传进社区", "召开人大常委会第十次会议",
    "举办中小学生书法绘画展", "开通首条城乡公交环线", "完成高标准农田建设任务", "召开河长制工作例会",
    "举办人才招聘洽谈会", "开展食品安全专项整治", "举行重点项目集中开工仪式", "推进老旧小区改造提升",
    "召开双拥工作领导小组会议", "开展冬季送温暖走访活动", "举办非遗文化展演", "启动医保集中参保缴费",
    "开展校园周边环境整治", "召开乡村振兴现场观摩会", "发布智慧停车管理新规", "举办茶叶开采节",
)
CAPTION_SCENES = (
    "活动现场", "志愿者为群众测量血压", "工作人员检查消防设施", "与会人员参观示范基地", "村民在田间收割晚稻",
    "学生在展厅参观", "调研组察看项目进度", "演员表演传统舞蹈", "党员志愿者清理河道", "技术人员调试设备",
)
HEADINGS = ("【现场】", "▲ 精彩瞬间", "活动现场", "【亮点】", "◆ 走访慰问", "镜头记录", "【回顾】", "◎ 展演风采")
# fmt: on
NAV_ITEMS = (
    "首页",
    "新闻中心",
    "今日要闻",
    "乡镇动态",
    "部门动态",
    "政务公开",
    "政策文件",
    "专题专栏",
    "视频新闻",
    "图片新闻",
    "数字报",
    "便民服务",
    "互动交流",
    "政民互动",
    "办事服务",
    "投资环境",
)  # fmt: skip
COLUMNS = ("新闻中心", "乡镇动态", "部门动态", "本地要闻", "图片新闻", "工作动态", "综合新闻")
_SITE_KINDS = ("{}新闻网", "{}融媒体中心", "{}人民政府", "{}在线", "今日{}", "{}之窗", "{}政府网")
_SOURCE_KINDS = ("{}日报", "{}融媒体中心", "{}县委宣传部", "{}发布", "{}新闻网", "{}镇人民政府")
_FIXED_SOURCES = (
    "新华社",
    "人民网",
    "新华网",
    "中国新闻网",
    "本站原创",
    "央视新闻客户端",
    "学习强国",
)


def _seed_int(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


@dataclass(frozen=True)
class Site:
    """The portal a template belongs to (names in simplified script)."""

    name: str
    place: str
    host: str
    column: str
    sources: tuple[str, ...]
    icp: str
    site_code: str


def make_site(rng: random.Random, key: str) -> Site:
    place = rng.choice(PLACES) + rng.choice(("县", "市", "区"))
    name = rng.choice(_SITE_KINDS).format(place)
    own = [name, rng.choice(_SOURCE_KINDS).format(place)]
    sources = tuple(dict.fromkeys([*own, *rng.sample(_FIXED_SOURCES, rng.randint(0, 2))]))
    province = rng.choice(("浙", "苏", "鲁", "鄂", "皖", "闽", "赣", "湘"))
    code = f"{rng.randint(110000, 659000)}"
    return Site(
        name=name,
        place=place,
        host=f"www.{_PINYIN[place[:2]]}x{_seed_int(key) % 100000:05d}.test",
        column=rng.choice(COLUMNS),
        sources=sources,
        icp=f"{province}ICP备{rng.randint(10000000, 19999999)}号-{rng.randint(1, 3)}",
        site_code=f"{code}{rng.randint(0, 9999):04d}",
    )


@dataclass
class Image:
    """A picture inside the article: caption (not body) and optional photo-story heading."""

    src: str
    caption: str
    heading: str | None = None


@dataclass
class Draft:
    """One article as generated (simplified script); the truth is built from these values."""

    title: str
    subtitle: str | None
    paragraphs: list[str]
    published: datetime
    authors: list[str]
    source: str | None
    editor: str | None
    checkers: list[tuple[str, str]]  # (审核/校对/初审..., name): printed, never the editor
    images: list[tuple[int, Image]] = field(default_factory=list)  # (before paragraph i, image)


def chrome_headline(rng: random.Random) -> str:
    return rng.choice(PLACES) + rng.choice(("县", "市", "区", "镇")) + rng.choice(EVENTS)


def caption_text(rng: random.Random, site: Site) -> str:
    scene = rng.choice(CAPTION_SCENES)
    return rng.choice(
        (f"图为：{scene}。", f"图为{scene}。", f"▲ {scene}", f"{site.place}{scene}（资料图）")
    )


def _paragraphs(gen: Generator, count: int) -> list[str]:
    """``count`` paragraphs; a one-paragraph article is a single 30-80 character sentence."""
    rng, pool = gen.rng, corpus.sentences()
    if count == 1:
        return [rng.choice([s for s in pool if 30 <= len(s) <= 80])]
    if count <= 8:
        paras = gen.paragraphs()
        while len(paras) < count:
            paras.append(rng.choice([s for s in pool if s not in "".join(paras)]))
        return paras[:count]
    picked = rng.sample(pool, count + count // 3)  # long articles: 1-2 sentences a paragraph
    cuts = sorted(rng.sample(range(1, len(picked)), count - 1))
    return ["".join(picked[a:b]) for a, b in zip([0, *cuts], [*cuts, len(picked)], strict=True)]


def article_count(rng: random.Random) -> int:
    """Paragraph count: one short paragraph to 30 paragraphs, most 3-8."""
    kind = rng.choices(("one", "few", "normal", "long", "very_long"), (12, 18, 45, 15, 10))[0]
    return {
        "one": 1,
        "few": rng.randint(2, 3),
        "normal": rng.randint(4, 8),
        "long": rng.randint(9, 16),
        "very_long": rng.randint(17, 30),
    }[kind]


def make_draft(seed: str, site: Site, photo_story: bool, precision: str, rare: bool) -> Draft:
    """The article of one page; ``precision`` ("s", "m" or "d") truncates the time; ``rare``
    forces a paragraph with characters outside GB2312."""
    gen = Generator(_seed_int(seed))
    rng = gen.rng
    count = article_count(rng)
    paragraphs = _paragraphs(gen, count)
    if rare or rng.random() < 0.12:  # characters outside GB2312: a gb2312 decoder breaks on them
        a, b = rng.sample(corpus.RARE_NAMES, 2)
        paragraphs.insert(rng.randint(0, len(paragraphs)), f"{a}、{b}等参加活动并调研指导工作。")
    day = datetime(2019, 1, 1, tzinfo=CST) + timedelta(days=rng.randint(0, 4 * 365))
    published = day + timedelta(seconds=rng.randint(7 * 3600, 22 * 3600))
    if precision == "m":
        published = published.replace(second=0)
    elif precision == "d":
        published = published.replace(hour=0, minute=0, second=0)
    names = rng.sample(corpus.NAMES, rng.choice((1, 1, 1, 2, 2, 3)))
    images: list[tuple[int, Image]] = []
    n_images = rng.choice((0, 0, 1, 1, 2)) if not photo_story else rng.randint(3, 5)
    for k in range(n_images):
        pos = 0 if k == 0 and not photo_story else rng.randint(0, len(paragraphs))
        heading = rng.choice(HEADINGS) if photo_story else None
        src = f"/uploads/{published:%Y%m}/W0{rng.randint(10**9, 10**10)}.jpg"
        images.append((pos, Image(src, caption_text(rng, site), heading)))
    images.sort(key=lambda item: item[0])
    checkers = [(role, rng.choice(corpus.NAMES)) for role in ("审核", "校对")]
    return Draft(
        title=gen.title(),
        subtitle=f"——{chrome_headline(rng)}纪实" if rng.random() < 0.5 else None,
        paragraphs=paragraphs,
        published=published,
        authors=names if rng.random() < 0.85 else [],
        source=rng.choice(site.sources) if rng.random() < 0.92 else None,
        editor=rng.choice(corpus.NAMES) if rng.random() < 0.9 else None,
        checkers=checkers,
        images=images,
    )
