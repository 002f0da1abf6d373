from monitor.models import Hit, NormalizedText
from monitor.normalize import (
    fold_width,
    normalize,
    sentence_at,
    simplify,
    split_sentences,
    to_simplified,
    to_traditional,
)


def test_traditional_becomes_simplified_with_same_offsets() -> None:
    original = "靖安縣國際傳播中心在縣融媒體中心揭牌成立。"
    normalized = normalize(original)
    assert normalized.text == "靖安县国际传播中心在县融媒体中心揭牌成立。"
    assert normalized.offsets is None
    start = normalized.text.index("国际传播中心")
    assert original[normalized.to_original(start):normalized.to_original(start) + 6] == "國際傳播中心"


def test_full_width_digits_and_letters_fold_but_chinese_punctuation_stays() -> None:
    assert fold_width("２０２４年ＡＢＣ，好。") == "2024年ABC，好。"


def test_sentences_split_on_chinese_stops_and_newlines() -> None:
    text = "第一句。第二句！\n第三句；第四句"
    spans = split_sentences(text)
    assert [text[s.start:s.end].strip() for s in spans] == ["第一句。", "第二句！", "第三句；", "第四句"]
    assert sentence_at(spans, text.index("第三")) is not None


def test_to_simplified_leaves_simplified_alone() -> None:
    assert to_simplified("国际传播中心") == "国际传播中心"


def test_to_traditional_is_the_other_spelling_and_simplifies_back() -> None:
    assert to_traditional("国际传播中心揭牌") == "國際傳播中心揭牌"
    assert to_traditional("國際傳播中心") == "國際傳播中心"
    assert to_simplified(to_traditional("靖安县融媒体中心")) == "靖安县融媒体中心"


def test_simplify_leaves_sentences_for_later_and_with_sentences_adds_them() -> None:
    from monitor.normalize import simplify, with_sentences

    copy = simplify("國際傳播中心揭牌。第二句！")
    assert copy.text == "国际传播中心揭牌。第二句！" and copy.sentences == ()
    full = with_sentences(copy)
    assert [full.text[s.start:s.end] for s in full.sentences] == ["国际传播中心揭牌。", "第二句！"]
    assert with_sentences(full) is full
    assert normalize("國際傳播中心揭牌。第二句！") == full


def test_text_without_full_width_characters_is_not_copied() -> None:
    text = "今年全省小麦喜获丰收，农民收入持续增长。"
    assert fold_width(text) is text


def test_offsets_stay_on_the_original_when_composition_changes_the_length() -> None:
    from monitor.normalize import simplify

    original = "Cafe\u0301 国际传播中心，２０２４年"  # a decomposed é before the center name
    copy = simplify(original)
    start = copy.text.index("国际传播中心")
    assert original[copy.to_original(start):copy.to_original(start + 5) + 1] == "国际传播中心"
    assert copy.text.endswith("2024年")


# -- noise: left out of the matching copy, mapped back to the original ------------------------------


def _back(copy: NormalizedText, part: str) -> str:
    """The original text that `part` of the copy was made from."""
    at = copy.text.index(part)
    start, end = copy.original_span(at, at + len(part))
    return copy.original[start:end]


def test_pinyin_after_every_character_is_left_out_and_maps_back_to_the_page() -> None:
    original = "丹(dān)寨(zhài)國(guó)際(jì)傳(chuán)播(bō)中(zhōng)心(xīn)昨日揭(jiē)牌。"
    copy = normalize(original)
    assert copy.text == "丹寨国际传播中心昨日揭牌。"
    assert _back(copy, "丹寨国际传播中心") == "丹(dān)寨(zhài)國(guó)際(jì)傳(chuán)播(bō)中(zhōng)心"
    assert [copy.original[slice(*copy.original_span(s.start, s.end))] for s in copy.sentences] == [original]


def test_pinyin_on_some_characters_in_full_width_brackets_or_with_tone_digits() -> None:
    copy = simplify("平潭国（guó）际传播中心与台湾青年签约，国际传(chuan2)播中心还将")
    assert copy.text == "平潭国际传播中心与台湾青年签约，国际传播中心还将"
    assert _back(copy, "签约") == "签约"


def test_pinyin_with_tone_marks_pasted_without_brackets_is_left_out() -> None:
    copy = simplify("凯kǎi里lǐ国际传chuán播bō中心揭牌，推出app和Kaili Now账号")
    assert copy.text == "凯里国际传播中心揭牌，推出app和Kaili Now账号"


def test_a_latin_brand_or_a_label_in_brackets_is_not_pinyin() -> None:
    for text in ("雪·乡(Xue·Xiang)国际传播中心揭牌", "黔(QIAN)国际传播中心", "方案(a)和方案(b)", "推出手机(app)一款"):
        copy = simplify(text)
        assert copy.text == text and copy.offsets is None, text


def test_pinyin_without_tone_marks_counts_when_the_text_annotates_more_than_once() -> None:
    assert simplify("盘(pan)锦(jin)国际传播中心").text == "盘锦国际传播中心"
    assert simplify("盘锦(pan)国际传播中心").text == "盘锦(pan)国际传播中心"  # once: may be anything


def test_invisible_characters_are_left_out() -> None:
    original = "景德\u200b镇国\u200d际传播中心\ufeff揭牌"
    copy = simplify(original)
    assert copy.text == "景德镇国际传播中心揭牌"
    assert _back(copy, "国际传播中心") == "国\u200d际传播中心"


def test_spaces_inside_a_name_are_left_out() -> None:
    assert simplify("重磅！\n景 洪 国 际 传 播 中 心\n正式揭牌").text == "重磅！\n景洪国际传播中心\n正式揭牌"
    assert simplify("景 洪 国际传播中心揭牌").text == "景洪国际传播中心揭牌"
    assert simplify("琼海　国际传播中心揭牌").text == "琼海国际传播中心揭牌"  # a full-width space
    assert simplify("琼海国际 传播中心揭牌").text == "琼海国际传播中心揭牌"
    assert simplify("琼海国际·传播中心揭牌").text == "琼海国际传播中心揭牌"
    assert simplify("景德 镇国际传播中心揭牌").text == "景德镇国际传播中心揭牌"  # a stray space
    assert simplify("景 德镇国际传播中心揭牌").text == "景德镇国际传播中心揭牌"


def test_spaces_between_parts_of_a_headline_and_a_dot_in_the_name_stay() -> None:
    for text in ("向世界讲好琼海故事 琼海国际传播中心揭牌", "雪乡·林海国际传播中心揭牌", "记者 王芳 摄",
                 "琼海成立了一个 国际传播中心", "向世界讲好琼海故事 国际传播中心揭牌", "喜迎新春 琼海国际传播中心揭牌"):
        assert simplify(text).text == text, text


def test_related_links_ads_and_share_bars_are_blanked_with_the_same_length() -> None:
    original = ("发布时间：2026-05-02　来源：北海日报　分享到：\n"
                "北海国际传播中心5月1日揭牌成立。\n"
                "【广告】涠洲岛五一特惠\n"
                "分享到：微信 微博\n"
                "相关阅读：\n"
                "· 钦州国际传播中心揭牌成立\n"
                "· 防城港国际传播中心上线运行\n"
                "（责任编辑：黄小燕）")
    copy = simplify(original)
    assert len(copy.text) == len(original) and copy.offsets is None
    assert "钦州" not in copy.text and "防城港" not in copy.text and "广告" not in copy.text
    header, launch = copy.text.splitlines()[:2]
    assert header == "发布时间：2026-05-02 来源：北海日报 分享到：" and launch == "北海国际传播中心5月1日揭牌成立。"


def test_a_closing_link_list_without_a_heading_is_blanked_but_a_body_list_is_not() -> None:
    dated = "北海国际传播中心揭牌成立。\n- 2026-04-30钦州国际传播中心揭牌\n- 2026-04-29防城港举办旅游节"
    assert "钦州" not in simplify(dated).text
    numbered = "北海国际传播中心揭牌成立，下一步将：\n1.成立海外工作站\n2.开设英文账号"
    assert simplify(numbered).text == numbered


def test_translation_lines_of_a_bilingual_page_are_blanked() -> None:
    original = ("北海国际传播中心揭牌成立。\n"
                "The Beihai International Communication Center was inaugurated on May 1.\n"
                "中心由北海日报社运营。\n"
                "The center is run by Beihai Daily.")
    copy = simplify(original)
    assert copy.text.splitlines()[0] == "北海国际传播中心揭牌成立。" and "Beihai" not in copy.text
    english = "The Beihai International Communication Center was inaugurated on May 1 by the city."
    assert simplify(english).text == english  # a page in English keeps its lines


def test_text_without_noise_keeps_the_identity_map() -> None:
    copy = simplify("北海国际传播中心揭牌成立（记者 黄小燕）。")
    assert copy.offsets is None
    assert copy.text_span(3, 9) == (3, 9) and copy.original_span(3, 9) == (3, 9)


def test_spans_and_hits_go_both_ways_through_the_offset_map() -> None:
    original = "北(běi)海國(guó)際傳播中心揭牌"
    copy = simplify(original)
    start = original.index("國")
    end = original.index("揭")
    assert copy.text_span(start, end) == (2, 8)
    assert copy.original_span(2, 8) == (start, end)
    hit = Hit("国际传播中心", "国际传播中心", "center", start, end)
    assert copy.in_text([hit]) == [Hit("国际传播中心", "国际传播中心", "center", 2, 8)]
