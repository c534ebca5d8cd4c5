"""Search folds Vietnamese: no diacritics (đ → d too), no case, single spaces."""

from __future__ import annotations

from catalog_service.domain.folding import fold, like_phrase, search_terms


def test_fold_removes_diacritics_and_case() -> None:
    assert fold("Cấp giấy phép xây dựng") == "cap giay phep xay dung"
    assert fold("  ĐĂNG KÝ   biến động đất đai ") == "dang ky bien dong dat dai"


def test_a_query_without_diacritics_folds_to_the_same_words() -> None:
    assert fold("cap giay phep xay dung") == fold("Cấp giấy phép xây dựng")


def test_search_terms_are_one_pattern_per_word_with_wildcards_escaped() -> None:
    assert search_terms("Giấy  phép") == ["%giay%", "%phep%"]
    assert search_terms("100%_x") == ["%100\\%\\_x%"]
    assert search_terms("   ") == []
    assert like_phrase("Xây Dựng") == "xay dung"
