"""Offline language detection of article text, and the stop words each language brings."""

import re
from functools import cache
from importlib import resources

from sumy.utils import get_stop_words

DEFAULT_LANGUAGE = "english"

_ISO_CODES = {
    "arabic": "ar",
    "chinese": "zh",
    "czech": "cs",
    "dutch": "nl",
    "english": "en",
    "french": "fr",
    "german": "de",
    "greek": "el",
    "hebrew": "he",
    "italian": "it",
    "japanese": "ja",
    "korean": "ko",
    "polish": "pl",
    "portuguese": "pt",
    "russian": "ru",
    "slovak": "sk",
    "spanish": "es",
    "swedish": "sv",
    "thai": "th",
    "ukrainian": "uk",
}
_NAMES = {code: name for name, code in _ISO_CODES.items()}

# The commonest function words of each language written in Latin or Cyrillic letters. They make
# up a large share of any running text and differ between languages, so counting them tells the
# languages apart without any model to ship. Short lists keep shared words from blurring it.
_PROFILES = {
    "english": "the and of to in is that it was for on are with as his they be at this have from "
    "by he she not but had has were which an their said will would",
    "german": "der die das und ist nicht ein eine zu den von mit sich des auf für im dem auch es "
    "an als wird werden sie bei nach wurde einer aus hat",
    "french": "le la les et des est un une du que dans pour pas sur au qui ne avec il elle sont "
    "ce par plus été aux cette ont",
    "spanish": "el la los las de que y en un una por con para es del se no al lo como más pero "
    "sus fue ha son está",
    "italian": "il la di che e un una per non sono della del con si le gli è da nel alla anche "
    "più ha questo dei",
    "portuguese": "o a os as de que e do da em um uma para com não no na por se mais foi dos "
    "das é ao pelo",
    "dutch": "de het een en van in is dat op te zijn niet met voor die er aan ook als bij door "
    "was maar",
    "swedish": "och att det som en är av för på med till den har inte om ett de jag var men sig "
    "från",
    "polish": "i w na z się nie do to że jest o jak a po przez od dla czy jego są który ale",
    "czech": "a se na že je v to s do z jsou o by jak ale pro od po který jsem jeho byl také",
    "slovak": "a sa na že je v to s do z sú o by ako ale pre od po ktorý som jeho bol tiež",
    "russian": "и в не на что он с как это по но она к его из же они за от то было так у все "
    "бы был мы вы для",
    "ukrainian": "і в не на що він з як це по але вона до його від же вони за та було так у все "
    "б був ми ви для є",
}
_PROFILE_WORDS = {language: frozenset(text.split()) for language, text in _PROFILES.items()}
_CYRILLIC_LANGUAGES = ("russian", "ukrainian")

# Scripts that name their language outright (or as good as, for a summarizer's purposes).
_SCRIPTS = (
    (re.compile(r"[\u3040-\u30ff]"), "japanese"),
    (re.compile(r"[\uac00-\ud7af]"), "korean"),
    (re.compile(r"[\u4e00-\u9fff]"), "chinese"),
    (re.compile(r"[\u0e00-\u0e7f]"), "thai"),
    (re.compile(r"[\u0600-\u06ff]"), "arabic"),
    (re.compile(r"[\u0590-\u05ff]"), "hebrew"),
    (re.compile(r"[\u0370-\u03ff]"), "greek"),
)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+")
# Detection reads the opening of the text: enough for a verdict, and a 1 MB text costs no more.
_SAMPLE_CHARS = 3000
_MIN_HITS = 3
_MIN_SHARE = 0.08


def iso_code(language: str) -> str | None:
    """ISO 639-1 code of a sumy language name, for APIs and users that speak in codes."""
    return _ISO_CODES.get(language.lower())


def language_name(code_or_name: str) -> str | None:
    """The sumy language name for an ISO 639-1 code or a name; None when we do not know it."""
    lowered = code_or_name.lower()
    if lowered in _ISO_CODES:
        return lowered
    return _NAMES.get(lowered)


def _script_language(sample: str) -> str | None:
    letters = len(_LETTER.findall(sample)) or 1
    for pattern, language in _SCRIPTS:
        if len(pattern.findall(sample)) / letters > 0.3:
            return language
    return None


def _profile_language(sample: str) -> str | None:
    tokens = [token.lower() for token in _WORD.findall(sample)]
    if not tokens:
        return None
    cyrillic = len(_CYRILLIC.findall(sample)) > len(sample) / 4
    candidates = (
        _CYRILLIC_LANGUAGES
        if cyrillic
        else tuple(language for language in _PROFILES if language not in _CYRILLIC_LANGUAGES)
    )
    hits = {
        language: sum(token in _PROFILE_WORDS[language] for token in tokens)
        for language in candidates
    }
    best = max(candidates, key=lambda language: hits[language])
    if hits[best] < _MIN_HITS or hits[best] / len(tokens) < _MIN_SHARE:
        return None
    return best


def detect_language(text: str, default: str = DEFAULT_LANGUAGE) -> str:
    """Guess the sumy language name of a text, or `default` when the text gives too little away."""
    sample = text[:_SAMPLE_CHARS]
    return _script_language(sample) or _profile_language(sample) or default


@cache
def stop_words(language: str) -> frozenset[str]:
    """sumy's stop words for the language, or ours where sumy has none; empty when nobody has."""
    try:
        return frozenset(get_stop_words(language))
    except LookupError:
        shipped = resources.files("digests.text") / "data" / f"stopwords-{language}.txt"
        if not shipped.is_file():
            return frozenset()
        return frozenset(shipped.read_text(encoding="utf-8").split())
