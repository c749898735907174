"""Unit tests of Vietnamese normalisation and tokenisation."""

from kb.text import (
    acronyms_in,
    canonical_number,
    exact_key,
    fold,
    has_diacritics,
    is_syllable,
    places_in,
    tokens,
)


def keys(text: str) -> list[str]:
    return [t.folded for t in tokens(text)]


def test_fold_removes_diacritics_and_d_bar():
    assert fold("Đẩy mạnh cải cách hành chính") == "day manh cai cach hanh chinh"
    assert fold("ĐỒNG") == "dong"


def test_tone_placement_old_and_new_match():
    assert exact_key("hoá") == exact_key("hóa") == "hoa1"
    assert exact_key("thuý") == exact_key("thúy")
    assert exact_key("hòa") == exact_key("hoà")
    assert exact_key("lương") != exact_key("luồng")


def test_nfd_input_is_normalised():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Thủ tục hành chính")
    assert keys(decomposed) == keys("Thủ tục hành chính") == ["tthc"]


def test_abbreviations_and_spelled_out_forms_meet():
    assert keys("thủ tục hành chính") == keys("TTHC") == keys("thu tuc hanh chinh") == ["tthc"]
    assert keys("dịch vụ công trực tuyến") == ["dvctt"]
    assert keys("DVCTT") == ["dvctt"]
    assert keys("Ủy ban nhân dân") == keys("UBND") == ["ubnd"]
    assert keys("Hội đồng nhân dân") == keys("HĐND") == ["hdnd"]
    assert keys("bảo hiểm y tế") == keys("BHYT") == ["bhyt"]
    assert keys("cải cách hành chính") == keys("CCHC") == ["cchc"]
    assert keys("văn bản quy phạm pháp luật") == keys("văn bản QPPL") == keys("VBQPPL") == ["vbqppl"]
    assert keys("quy phạm pháp luật") == keys("QPPL") == ["vbqppl"]


def test_i_y_spelling_variants():
    assert keys("tỉ lệ") == keys("tỷ lệ") == keys("ty le")


def test_numbers_and_codes_searchable_as_written():
    assert canonical_number("1.720") == "1720"
    assert canonical_number("1720") == "1720"
    assert canonical_number("80,09") == canonical_number("80.09") == "80,09"
    assert canonical_number("1.671.000") == "1671000"
    ks = keys("Kế hoạch 27/KH-UBND, 9/63 tỉnh, 80,09%")
    assert "27/kh-ubnd" in ks and "27" in ks and "ubnd" in ks
    assert "9/63" in ks and "63" in ks
    assert "80,09" in ks and "phantram" in ks
    assert "phantram" in keys("bao nhiêu phần trăm")


def test_diacritics_detection():
    assert has_diacritics("Huế") and has_diacritics("đi") and not has_diacritics("hue")


def test_syllables_and_acronyms():
    assert is_syllable("nghieng") and is_syllable("thuong") and is_syllable("a")
    assert not is_syllable("sipas") and not is_syllable("pci")
    assert acronyms_in(tokens("chỉ số PCI của Hà Nội")) == {"pci"}
    assert "27/kh-ubnd" in acronyms_in(tokens("Kế hoạch 27/KH-UBND"))
    assert acronyms_in(tokens("thành phố Hà Nội năm 2022")) == set()


def test_places():
    assert places_in(tokens("Thành phố Hồ Chí Minh và Hà Nội")) == {"hcm", "hanoi"}
    assert places_in(tokens("tinh quang ninh")) == {"quang_ninh"}
    assert places_in(tokens("Huế")) == {"hue"}
    # written with diacritics otherwise, the words are not the place's name
    assert places_in(tokens("KH 27 Lạc Hà nói về cái gì")) == set()
    assert places_in(tokens("ha noi")) == places_in(tokens("HÀ NỘI")) == {"hanoi"}
