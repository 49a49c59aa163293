from model.draft.robots import Robots
from model.draft.sampling import Planner, is_variant

ORIGIN = "http://x.cn"


def test_every_shape_gets_a_page_before_any_gets_a_second_within_the_budget():
    planner = Planner({ORIGIN}, Robots("User-agent: *\nDisallow: /admin/\n"), budget=5)
    planner.mark(ORIGIN + "/")
    planner.offer(
        [f"{ORIGIN}/news/2020-03-0{i}/{i}.html" for i in range(1, 8)]
        + [f"{ORIGIN}/news/index_{i}.html" for i in range(2, 4)]
        + [
            ORIGIN + "/admin/login.html",  # disallowed
            ORIGIN + "/news/2020-03-01/1_print.html",  # a variant
            "http://other.cn/news/2020-03-01/1.html",  # another host
            ORIGIN + "/files/a.pdf",  # not a page
        ]
    )
    first = planner.take()
    assert first == [f"{ORIGIN}/news/2020-03-01/1.html", f"{ORIGIN}/news/index_2.html"]
    assert planner.blocked == [ORIGIN + "/admin/login.html"]
    assert planner.variants == [ORIGIN + "/news/2020-03-01/1_print.html"]
    second = planner.take()
    assert len(second) == 2
    assert len(planner.take()) == 0  # budget of 5 spent (the home page counts)


def test_print_and_mobile_links_are_variants_and_tracking_parameters_are_not():
    assert is_variant(ORIGIN + "/system/2020/01/01/1_print.shtml")
    assert is_variant(ORIGIN + "/m/art/1.html")
    assert is_variant(ORIGIN + "/a.php?id=1&print=1")
    assert not is_variant(ORIGIN + "/a.html?utm_source=x")
