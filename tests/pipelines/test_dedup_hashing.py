"""MinHash/LSH signatures and content hashes: exact copies, syndicated near copies and
different stories from one sentence pool (the tuning cases of NEAR_DUP_THRESHOLD)."""

from __future__ import annotations

import pickle
import random
import re

import numpy as np
import pytest

from pipelines.dedup.hashing import (
    CONTAINMENT_THRESHOLD,
    NEAR_DUP_THRESHOLD,
    SHORT_EDIT_CONTAINMENT,
    SHORT_EDIT_SHINGLES,
    band_keys_many,
    containment,
    content_hash,
    is_near,
    jaccard,
    lsh_bands,
    minhash,
    shingle_hashes,
    shingles,
    sketch,
    strip_text,
)
from tests.simulator import syndicate

# Three real article bodies (seeds 001-003, normalized): the corpus the threshold is tuned on.
STORIES = tuple(
    "\n".join(paragraphs)
    for paragraphs in (
        [
            "3月22日晚,根据市委常委会会议研究的意见,市委、市政府召开全市统筹推进疫情防控和经济社会发展工作视频会议。市委书记、市新冠肺炎疫情防控工作指挥部指挥长刘雪荣出席会议并讲话,强调要深入学习贯彻习近平总书记关于疫情防控重要讲话和重要指示批示精神,全面落实省委、省政府统筹推进全省疫情防控和经济社会发展工作座谈会精神,准确把握疫情防控和经济形势的阶段性变化,因时因势调整工作着力点和应对举措,坚持“防控为先、统筹为要、科学精准、稳妥善后”的原则,推动疫情防控从“全面阻击”向“精准防控”转变,经济社会发展从“按住暂停”向“重启恢复”转变,加快建立与疫情防控相适应的经济社会运行秩序,努力把疫情造成的损失降到最低,确保政治社会大局稳定,奋力夺取疫情防控和经济社会发展双胜利。",
            "当前,我市疫情防控和经济形势呈现新的阶段性特征。疫情防控取得阶段性重要成果,但防输入任务迫在眉睫;生产生活秩序加快恢复,但带来疫情反弹风险;复工复产有序推进,但进展不快;社会大局保持总体稳定,但疫情善后工作严峻复杂。我们要增强“四个意识”,坚定“四个自信”,做到“两个维护”,切实把思想行动统一到习近平总书记重要讲话精神上来,按照党中央决策部署和省委工作要求,始终保持清醒头脑,更加科学、更加精准抓好疫情防控工作,决不能让来之不易的疫情防控持续向好形势发生逆转。",
            "慎终如始、一鼓作气打赢疫情防控阻击战。要精准优化防控举措,切实防范输入性疫情,对境外来黄返黄人员,通过大数据排查、个人申报、社区(村)摸排等途径,做到第一时间发现、第一时间响应、第一时间处置;要压紧压实属地责任和主体责任,督促企业严格落实“五个到位”要求,做到疫情防控和复工复产“两手抓”;要抓好社会面防控措施,加大疫情防控知识宣传力度,引导市民落实“戴口罩、勤洗手、常通风、不聚集”要求;要制定完善应急预案,落实救治、筛查、隔离的场所、队伍准备,确保一旦新增疫情及时高效处置;要坚持实事求是,任何时间都决不能漏报、瞒报疫情。",
            "全面加快复工复产,全面恢复经济社会运行秩序。要在确保各项防疫措施落实到位的前提下,充分发挥政府这只手的作用,实行一企一策,及时有效解决员工返岗、原材料供应等问题,促进企业早开工、早达产,全面提升企业复工率、员工复岗率、产能恢复率。要创新思路、多措并举,加大力度帮助农民工返岗就业,做好全市规上企业、重点项目复工复产的用工服务,千方百计帮助贫困人口就业。要加大金融支持力度,组织银企开展精准对接、专项对接,建立金融服务复工复产责任清单和融资对接清单,加强金融政策指引,更好发挥金融支持疫后经济社会发展作用。",
            "要加大政策落实力度,充分发挥“四进”工作专班作用,指导、服务各类市场主体及时精准争取政策,确保国家和省、市出台的各项政策落实到位。要全面恢复城市运行秩序,在做好健康管理、落实防控措施的前提下,尽快实行健康码“一码通行”,逐步恢复城市公共交通,有序放开小区管控,推动限制清单之外的行业复工复市,促进投资、消费恢复增长。要坚决打赢脱贫攻坚战,抓好农业生产、贫困人口就业、扶持市场主体等工作,努力克服疫情影响,巩固脱贫成果,确保高质量完成脱贫攻坚任务。",
            "积极稳妥化解“疫后综合征”,切实维护社会大局稳定。要修复提升医疗卫生服务体系,尽快全面恢复正常医疗秩序,加快重大医疗服务项目建设,提高应对突发重大公共卫生事件的能力水平。要全力抓好民生保障,做好群众生活物资保供稳价工作,加强对困难群众和弱势群体的帮扶救助。要坚持用法治思维和法治方式解决问题,用务实举措和真情实感化解矛盾,切实维护政治社会大局稳定。切实抓好安全生产、森林防火工作,保障人民群众生命财产安全。",
            "要加强党的领导,做到政治过硬、敢于担当,坚决贯彻落实党中央决策部署和省委、市委工作要求,在抓好疫情防控的前提下敢抓发展、大抓发展、善抓发展。坚持问题导向,针对工作中暴露出的问题和短板,有针对性的研究解决。加大督查问责力度,力戒形式主义、官僚主义,有力有效推动疫情防控和经济社会发展各项决策部署落地见效。",
        ],
        [
            "11月11日下午,在收听收看全国和江苏省新冠肺炎疫情防控工作电视电话会议后,宿迁市召开宿迁市新冠肺炎疫情防控工作电视电话会议。市委书记王昊强调,要深入学习贯彻习近平总书记在中共中央政治局常委会会议上的重要讲话精神,认真落实全国新冠肺炎疫情防控工作电视电话会议及江苏省新冠肺炎疫情防控工作电视电话会议精神,切实把思想和行动统一到习近平总书记重要讲话精神上来,统一到党中央决策部署上来,统一到省委最新工作要求上来,全面落实“疫情要防住、经济要稳住、发展要安全”重大要求,切实抓好疫情防控这个“国之大者”,不折不扣落实好《关于进一步优化新冠肺炎疫情防控措施 科学精准做好防控工作的通知》要求,全力守护好人民群众生命安全和身体健康,以实际行动坚定捍卫“两个确立”、坚决做到“两个维护”。市委副书记、市长陈忠伟出席会议。在宿豫分会场,区委书记、宿迁高新区党工委书记殷其国,区委副书记、区长徐源等区级领导班子成员以及相关部门负责人等收听收看了会议实况。",
            "王昊强调,要坚决贯彻落实党中央决策部署。坚持“外防输入、内防反弹”总策略和“动态清零”总方针不动摇,深刻、完整、全面认识党中央确定的疫情防控方针政策,切实把疫情防控工作抓紧抓实抓好;严格贯彻“最大程度保护人民生命安全和身体健康,最大限度减少疫情对经济社会发展的影响”的要求,切实增强高效统筹能力,认真执行进一步优化防控工作的二十条措施,防止一刀切、层层加码,力戒形式主义、官僚主义,更加科学精准防控疫情,努力用最小的代价实现最大的防控效果;精准把握疫情防控严峻形势,坚决克服麻痹思想、厌战情绪、侥幸心理、松劲心态,以坚持就是胜利、坚持才能胜利的坚韧执着,扎实做好常态化疫情防控各项工作,牢牢守住不出现疫情规模性反弹的底线。要全面提高常态化疫情防控科学性、精准性。严而又严、细而又细、实而又实抓好“外防输入、内防反弹”各项常态化防控措施,在防在前、早发现、快处置上下更大功夫,防控之弦要始终绷紧,外部防线要全面筑牢,应急处置要快速有效,提高监测预警的能力和水平,进一步织密织牢疫情防控网。要一以贯之压紧压实疫情防控责任。进一步落实“四方责任”,大力弘扬“三真三实”作风,拧紧责任链条、杜绝简单粗暴、严格督查检查,落细落实常态化防控措施,坚决守护好人民群众身体健康和生命安全。要高效统筹疫情防控和经济社会发展。坚持一手抓防控、一手抓发展,全力冲刺全年目标,加强经济运行调度,扎实做好民生保障,切实维护社会稳定,奋力打好收官战。",
            "在收听收看全国、省、市新冠肺炎疫情防控工作电视电话会议后,宿豫区立即召开续会,部署宿豫区疫情防控工作。殷其国强调,宿豫区上下要在思想上高度警惕。充分认清当前疫情防控形势的严峻性和复杂性,完整、准确、全面贯彻落实党中央决策部署,坚决克服麻痹思想、侥幸心理和松劲心态,坚定不移坚持人民至上、生命至上,坚定不移落实“外防输入、内防反弹”总策略,坚定不移贯彻“动态清零”总方针,科学精准、慎终如始抓细抓实“防在前、早发现、快处置”各项措施,筑牢疫情防控屏障。要在防控上科学精准。严格执行第九版防控方案和“二十条措施”要求,做到严把输入关口、严管重点人群、严控重点场所,提高科学精准防控水平,切实保障群众正常生产生活秩序,坚决防止简单化、“一刀切”和“层层加码”。要在能力上全面提升。深刻汲取前几轮疫情防控和各地防控暴露出的问题,进一步抓薄弱、补短板、堵漏洞,全面提升应急处置、核酸检测和物资储备等能力,做到宁可备而不用,不可用而无备。要在责任上压紧压实。进一步强化底线思维、守土意识,做到严防死守、绝不松懈,不断压紧责任链条,狠抓督导检查,强化宣传引导,全面织密疫情防控责任网。要在统筹上全面系统。按照“疫情要防住、经济要稳住、发展要安全”的重大要求,深入学习宣传贯彻党的二十大精神,切实抓好项目引建、冲刺收官等工作,高效统筹疫情防控和经济社会发展,最大限度减少疫情对经济社会发展的影响。(豫宣)",
        ],
        [
            "枣庄新闻网讯 4月10日下午,全市统筹疫情防控和经济社会发展工作会议召开,总结全市疫情防控前期工作,安排部署下步任务,动员全市上下发扬伟大抗疫精神,众志成城、同心协力,抓好战平转换、有序衔接,坚决夺取疫情防控和经济社会发展“双胜利”。",
            "市委书记、市人大常委会主任陈平出席并讲话,市委副书记、市长张宏伟主持会议,市政协主席张兵,市委副书记、宣传部部长孙起生出席。",
            "会议指出,疫情发生以来,全市各级坚决贯彻落实习近平总书记关于疫情防控工作的重要指示批示精神,把疫情防控作为当前头等大事,动员一切力量、集中一切资源、投入一切精力,全力以赴打好疫情防控遭遇战、阻击战、歼灭战,全市疫情防控形势趋稳向好、取得阶段性成效。这期间,省委、省政府给予大力支持,兄弟市纷纷伸出援手,全市上下众志成城、共克时艰,构筑了群防群控的坚强防线,凝聚了同心抗疫的强大合力。",
            "会议强调,“常态化”不等于“正?;?,“零新增”也不等于“零风险”。当前全国疫情防控形势依然复杂严峻,我市战“疫”还未结束,大考仍在继续。全市各级要时刻绷紧疫情防控这根弦,坚决摒弃“松口气、歇歇脚”的思想,认真落实省委“5+1”工作安排,慎终如始、精准精细抓好疫情防控各项工作,坚决守住不发生规模性反弹底线,以实际行动坚定捍卫“两个确立”、坚决做到“两个维护”。",
            "会议要求,要立足战平转换,结合这次实战大考,认真复盘总结,及时固化行之有效的经验做法,加快补齐短板漏洞,坚决巩固来之不易的防控成果,全力打好疫情防控持久战。要优化指挥体系,按照“规格不降、部门不变,平战结合、快速反应”,实现“战时”与“平时”指挥体系无缝转换、无缝衔接,确保一旦进入“战时”状态,在最短时间打响战斗、控制疫情。要坚持“外防输入、内防反弹”不动摇,防住四个“源头”,强化两个“探头”,筑牢疫情防控的铜墙铁壁。要坚持“宁可备而无用、不可用而无备”,倾其所有、尽其所能、竭其所为,加快提升核酸检测、流调溯源、隔离管控、医疗救治和物资储备等应急能力,时刻做好应对新的大仗硬仗的充足准备。要织密织细基层网底,配齐配强力量,提升组织动员能力,切实筑牢基层疫情防控防线,夯实群防群控的坚实基础。要主动顺应防控需要,及时调整方式方法,更加积极主动地应对疫情、推动发展。要在做好疫情防控的同时,腾出更多精力抓经济运行,集中政策、集中资源加快复工复产、项目建设,尽最大努力将疫情影响降到最低。",
            "会议要求,要加强思想能力作风建设,在大战大考中练就过硬干部队伍。各级党员干部要把疫情防控作为思想能力作风建设的实践实训,挺身而出、勇于负责,在完成急难险重任务中实现自我革命、自我完善、自我提高,切实补齐思想、能力、作风上的短板,齐心协力打赢打好疫情防控这场硬仗,以优异成绩迎接党的二十大胜利召开。",
            "会议强调,各级各部门要切实把思想和行动统一到市委、市政府工作部署上来,在抓好疫情防控的前提下,加快恢复生产生活秩序,尽最大努力把疫情耽搁的时间抢回来、把疫情造成的损失补回来。头脑要更加清醒,全面复盘梳理问题、补齐短板漏洞,做到边应对、边处置、边总结、边巩固、边提升,把因疫情付出的代价变成以利再战的宝贵经验。措施要更加严密,慎终如始抓好交通卡口查验、物品查验消杀和人员落地管理,扎实筑牢防控屏障。保障要更加有力,持续提升医疗装备、方舱医院等硬件设施水平,同步加强人员培训、流程优化等软件能力建设,确保平战转换顺畅。统筹要更加高效,把抗疫实战中激发出来的干劲真正转化为抓发展促提升的实际行动,加快推进企业复产、项目复建、招商引资、园区建设、农业生产等工作,切实守住生态环保、安全生产、森林防火等底线,奋力拼搏二季度,确保半年“双过半”,圆满完成年初确定的各项目标任务,向省委、省政府和全市人民交上一份优异答卷。",
            "会议采取视频形式,在市政大厦设主会场,各区(市)、枣庄高新区设分会场。市委常委,市人大常委会、市政府、市政协领导班子成员等参加会议。(记者 崔累果)",
        ],
    )
)

SENTENCES = [s for story in STORIES for s in re.split(r"(?<=[。！？])", story) if len(s) > 8]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。！？\n])", text) if s.strip()]


def _syndicated_copies(text: str, rnd: random.Random) -> dict[str, str]:
    """How portals republish a press release: the edits that must still match."""
    parts = _sentences(text)
    i = rnd.randrange(len(parts))
    return {
        "source_line": text + "\n来源:嵊州市融媒体中心 编辑:张三",
        "lead_and_editor": "本网讯 " + text + "\n(责任编辑:李四 审核:王五)",
        "sentence_removed": "".join(parts[:i] + parts[i + 1 :]),
        "sentence_added": "".join([*parts[:i], rnd.choice(SENTENCES), *parts[i:]]),
        "punctuation_spacing": text.replace(",", ",").replace("。", ". ").replace("\n", " \n "),
    }


def _pool_stories(rnd: random.Random) -> tuple[str, str]:
    """Two different stories drawn from one sentence pool, sharing two to four sentences."""
    shared = rnd.sample(SENTENCES, rnd.randint(2, 4))
    size = rnd.randint(6, 15)
    first = rnd.sample(SENTENCES, size) + shared
    second = rnd.sample(SENTENCES, size) + shared
    return "".join(first), "".join(second)


def _shares_band(a: list[int], b: list[int]) -> bool:
    return bool(set(lsh_bands(a)) & set(lsh_bands(b)))


def test_content_hash_ignores_whitespace_and_punctuation_only():
    text = STORIES[2]
    spaced = "  " + text.replace("\n", " \n\n ").replace(",", ", ") + "\n"
    assert content_hash(spaced) == content_hash(text)
    assert content_hash(text.replace("。", ".")) == content_hash(text)
    assert content_hash(text + "补充") != content_hash(text)
    assert len(content_hash(text)) == 40
    assert content_hash("") == content_hash(" \n,。")


def test_strip_text_keeps_letters_digits_and_han():
    assert strip_text("“5·18” 经贸活动, RCEP！\n2020年") == "518经贸活动rcep2020年"


def test_shingles_are_character_kgrams_without_punctuation():
    assert shingles("疫情防控,工作", k=5) == {"疫情防控工", "情防控工作"}
    assert shingles("疫情防控\n工作", k=5) == {"疫情防控", "工作"}  # none spans a line break
    assert shingles("短文", k=5) == {"短文"}
    assert shingles(" ,。 ") == set()


def test_minhash_is_plain_ints_stable_and_picklable():
    sig = minhash(STORIES[0])
    assert len(sig) == 128
    assert all(type(v) is int for v in sig)
    assert sig == minhash(STORIES[0])
    assert pickle.loads(pickle.dumps(sig)) == sig
    assert minhash(STORIES[0], seed=2) != sig


def test_syndicated_copies_reach_threshold_and_share_a_band():
    rnd = random.Random(7)
    for story in STORIES:
        original = minhash(story)
        for name, copy in _syndicated_copies(story, rnd).items():
            other = minhash(copy)
            assert jaccard(original, other) >= NEAR_DUP_THRESHOLD, name
            assert _shares_band(original, other), name


def test_pool_stories_sharing_a_few_sentences_stay_below_threshold():
    rnd = random.Random(11)
    scores = []
    for _ in range(60):
        first, second = _pool_stories(rnd)
        scores.append(jaccard(minhash(first), minhash(second)))
    assert max(scores) < NEAR_DUP_THRESHOLD


def test_different_real_stories_are_far_apart():
    sigs = [minhash(story) for story in STORIES]
    for i in range(len(sigs)):
        for j in range(i + 1, len(sigs)):
            assert jaccard(sigs[i], sigs[j]) < 0.2
            assert not _shares_band(sigs[i], sigs[j])


def test_lsh_bands_are_signed_64_bit_ints_distinct_per_band():
    sig = minhash(STORIES[1])
    keys = lsh_bands(sig)
    assert len(keys) == 32
    assert all(type(k) is int and -(2**63) <= k < 2**63 for k in keys)
    assert len(set(keys)) == 32
    # the same rows in another band give another key: bands never meet
    same_rows = [sig[0], sig[1], sig[2], sig[3]] * 32
    assert len(set(lsh_bands(same_rows))) == 32
    many = band_keys_many(np.array([minhash(s) for s in STORIES], dtype=np.uint32))
    assert many.shape == (3, 32)
    assert many[1].tolist() == keys
    with pytest.raises(ValueError, match="multiple"):
        lsh_bands([1, 2, 3], bands=2)


def test_paragraph_order_does_not_change_the_signature():
    paragraphs = STORIES[0].split("\n")
    shuffled = "\n".join(paragraphs[3:] + paragraphs[:3])
    assert sketch(shuffled) == sketch(STORIES[0])
    assert content_hash(shuffled) != content_hash(STORIES[0])


def test_shingle_hashes_count_the_shingles():
    for story in STORIES:
        assert len(shingle_hashes(story)) == len(shingles(story)) == sketch(story).size
    assert sketch("").size == 0
    assert sketch("短文").size == 1


def _edited(text: str, rnd: random.Random) -> dict[str, str]:
    """Copies that drop a quarter of the paragraphs (of four or more), add a local lead, or
    both (with the rest reversed)."""
    paragraphs = text.split("\n")
    drop = len(paragraphs) // 4
    keep = sorted(rnd.sample(range(len(paragraphs)), len(paragraphs) - drop))
    dropped = [paragraphs[i] for i in keep]
    lead = "本报讯 " + rnd.choice(SENTENCES)
    return {
        "paragraphs_dropped": "\n".join(dropped),
        "local_lead": "\n".join([lead, *paragraphs]),
        "dropped_and_lead": "\n".join([lead, *dropped[::-1]]),
    }


def test_copies_dropping_paragraphs_or_adding_a_lead_are_near():
    # both edits at once on these long paragraphs sit near the rule's edge: most must pass
    rnd = random.Random(5)
    found, total = 0, 0
    for _ in range(20):
        for story in STORIES:
            original = sketch(story)
            for name, copy in _edited(story, rnd).items():
                other = sketch(copy)
                similarity = jaccard(original.minhash, other.minhash)
                total += 1
                found += is_near(similarity, original.size, other.size)
                if name != "dropped_and_lead":
                    assert is_near(similarity, original.size, other.size), (name, similarity)
    assert found / total >= 0.97


def test_pool_stories_are_rarely_contained_in_each_other():
    # two stories drawn from one small sentence pool share half their sentences at times
    rnd = random.Random(11)
    flagged = 0
    for _ in range(300):
        first, second = (sketch(text) for text in _pool_stories(rnd))
        similarity = jaccard(first.minhash, second.minhash)
        flagged += is_near(similarity, first.size, second.size)
    assert flagged / 300 <= 0.01


def test_containment_from_jaccard_and_sizes():
    # A = 100 shingles inside B = 125: J = 100 / 125 = 0.8, containment 1
    assert containment(0.8, 100, 125) == pytest.approx(1.0)
    # half of A = 100 in B = 100: J = 50 / 150
    assert containment(50 / 150, 100, 100) == pytest.approx(0.5)
    assert containment(0.5, 0, 10) == 0.0
    assert is_near(0.7, None, None)
    assert not is_near(0.6, None, None)
    assert is_near(0.6, 60, 100)  # 60 shingles inside 100
    assert not is_near(0.3, 30, 100)  # contained, but too small a share of the union


def test_short_copies_may_hold_a_lead_and_a_sentence_outside_the_original():
    # 200 shingles each, J 0.55: 142 shared, 58 outside the smaller (containment 0.71)
    assert containment(0.55, 200, 200) < CONTAINMENT_THRESHOLD
    assert is_near(0.55, 200, 200)
    # the same shares of two long texts: 290 shingles outside, two different stories
    assert not is_near(0.55, 1000, 1000)
    # under SHORT_EDIT_CONTAINMENT (0.62 inside), or under the Jaccard floor: not near
    assert containment(0.45, 200, 200) < SHORT_EDIT_CONTAINMENT
    assert not is_near(0.45, 200, 200)
    assert is_near(0.4, 100, 180)  # 80 shingles of 100 inside 180
    assert not is_near(0.39, 100, 180)  # 0.79 inside, but J < CONTAINMENT_MIN_JACCARD
    # J 0.6 between equal sizes is 0.75 inside: 99 shingles outside of 396, 101 of 404
    assert containment(0.6, 400, 400) == pytest.approx(0.75)
    assert 0.25 * 396 < SHORT_EDIT_SHINGLES < 0.25 * 404
    assert is_near(0.6, 396, 396)
    assert not is_near(0.6, 404, 404)


def _generated_copies(count: int, seed: int) -> list[tuple[str, str, tuple[str, ...]]]:
    """(original, edited copy, edits) as the syndicated-copy generator makes them."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        paragraphs = syndicate.story_paragraphs(rng)
        copy, edits = syndicate.edit(rng, paragraphs)
        out.append(("\n".join(paragraphs), "\n".join(copy), edits))
    return out


def test_generated_copies_dropping_paragraphs_and_adding_a_lead_are_near():
    # both edits on a story of ~500 characters leave each side with text the other lacks:
    # 6-8 % of these copies are under J 0.7 and CONTAINMENT_THRESHOLD (refused before the
    # short-edit test), 1-2 % are left
    both = short = 0
    refused = []
    for original, copy, edits in _generated_copies(1500, seed=2):
        if not {"drop", "lead"} <= set(edits):
            continue
        a, b = sketch(original), sketch(copy)
        similarity = jaccard(a.minhash, b.minhash)
        inside = containment(similarity, a.size, b.size)
        both += 1
        short += similarity < NEAR_DUP_THRESHOLD and inside < CONTAINMENT_THRESHOLD
        if not is_near(similarity, a.size, b.size):
            refused.append((similarity, a.size, b.size))
    assert both >= 150
    assert short >= 0.03 * both  # the cases the rule's short-edit test is for
    assert len(refused) <= 0.025 * both, refused


def test_generated_follow_up_stories_stay_apart():
    # every story quotes up to a quarter of the paragraphs of an earlier one
    docs = list(syndicate.stream(1200, seed=3, copies=0.0, follow_ups=1.0))
    sketches = [sketch(doc.text) for doc in docs]
    sigs = np.array([s.minhash for s in sketches], dtype=np.uint32)
    sizes = [s.size for s in sketches]
    equal = np.zeros((len(docs), len(docs)), dtype=np.int32)
    for column in sigs.T:
        equal += column[:, None] == column[None, :]
    first, second = np.nonzero(np.triu(equal >= 0.1 * sigs.shape[1], 1))
    assert len(first) >= 500  # the quoting pairs, and a few by chance
    for i, j in zip(first.tolist(), second.tolist(), strict=True):
        similarity = equal[i, j] / sigs.shape[1]
        assert not is_near(similarity, sizes[i], sizes[j]), (i, j, similarity)
    # the closest of them still shares much less than a copy
    assert int(equal[first, second].max()) < 0.4 * sigs.shape[1]


def test_jaccard_rejects_mismatched_signatures():
    assert jaccard([1, 2, 3, 4], [1, 2, 0, 0]) == 0.5
    with pytest.raises(ValueError, match="length"):
        jaccard([1, 2], [1])
