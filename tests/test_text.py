from monitor.normalize import fold_width, normalize, sentence_at, split_sentences, to_simplified, to_traditional


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
