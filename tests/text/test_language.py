"""Language detection and per-language stop words, offline."""

import pytest

from digests.text.language import detect_language, iso_code, language_name, stop_words

SAMPLES = {
    "english": "The government said on Tuesday that it would raise taxes, and the opposition "
    "warned that the plan was a mistake for the country.",
    "german": "Die Regierung hat am Dienstag angekündigt, dass sie die Steuern erhöhen wird, "
    "und die Opposition warnte vor einem Fehler für das Land.",
    "french": "Le gouvernement a annoncé mardi qu'il allait augmenter les impôts, et "
    "l'opposition a dénoncé une erreur pour le pays.",
    "spanish": "El gobierno anunció el martes que subirá los impuestos, y la oposición advirtió "
    "que el plan es un error para el país.",
    "russian": "Правительство во вторник заявило, что повысит налоги, а оппозиция "
    "предупредила, что это ошибка для страны.",
    "ukrainian": "Уряд у вівторок заявив, що підвищить податки, а опозиція попередила, що це "
    "помилка для країни.",
    "chinese": "政府周二表示将提高税收，反对派警告说这对国家来说是一个错误。",
}


@pytest.mark.parametrize(("language", "text"), SAMPLES.items())
def test_detects_the_language_of_a_news_paragraph(language, text):
    assert detect_language(text) == language


def test_text_that_gives_nothing_away_gets_the_default():
    assert detect_language("") == "english"
    assert detect_language("12345 678", default="german") == "german"


def test_iso_codes_and_names_round_trip():
    assert iso_code("Russian") == "ru"
    assert language_name("uk") == "ukrainian"
    assert language_name("german") == "german"
    assert language_name("tlh") is None


def test_stop_words_cover_russian_which_sumy_lacks():
    assert {"и", "что", "это"} <= stop_words("russian")
    assert {"the", "and"} <= stop_words("english")
    assert stop_words("klingon") == frozenset()
