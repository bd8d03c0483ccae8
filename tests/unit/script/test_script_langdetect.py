"""Language detection: the script decides where it can, langid among the candidates."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.languages import SENTENCES

from persona.errors import UnknownVoiceError
from persona.script import langdetect
from persona.script.langdetect import detect_language, has_han, script_counts, script_of
from persona.voice import supported_languages

MORE: dict[str, list[str]] = {
    "en": [
        "Judge Thatcher measured the beige rouge with a huge ruler.",
        "Please call me tomorrow.",
    ],
    "hi": ["भारत एक विशाल देश है जिसमें कई भाषाएँ बोली जाती हैं।", "मेरा नाम राम है"],
    "mr": ["महाराष्ट्रात मराठी भाषा बोलली जाते.", "तू कुठे जात आहेस?", "माझे नाव राम आहे"],
    "ta": ["தமிழ் ஒரு பழமையான மொழி."],
    "te": ["తెలుగు భాష చాలా మధురమైనది."],
    "ml": ["മലയാളം കേരളത്തിലെ ഭാഷയാണ്."],
    "kn": ["ಕನ್ನಡ ಒಂದು ಸುಂದರ ಭಾಷೆ."],
    "bn": ["বাংলা একটি সুন্দর ভাষা।"],
    "gu": ["ગુજરાતી એક સુંદર ભાષા છે."],
    "pa": ["ਪੰਜਾਬੀ ਇੱਕ ਸੋਹਣੀ ਬੋਲੀ ਹੈ।"],
    "ur": ["اردو ایک خوبصورت زبان ہے۔", "میں نے صبح چائے پی اور گھر گیا۔"],
    "ar": ["العربية لغة جميلة وغنية.", "ذهبت إلى السوق واشتريت خبزا."],
    "es": ["El niño pequeño quiere jugar con el perro.", "¿Cómo estás hoy?"],
    "fr": ["Les enfants jouent dans le jardin avec un chien.", "Je suis très content"],
    "de": ["Ich möchte zwei Brötchen und eine Tasse Kaffee.", "Ich bin müde"],
    "pt": ["As crianças brincam no jardim com o cão.", "Obrigado pela ajuda"],
    "it": ["Gli studenti leggono il giornale nella piazza.", "La vita è bella"],
    "ja": ["わたしはまいあさコーヒーをのみます。", "今日は学校に行きます。", "コーヒー"],
    "ko": ["저는 아침마다 커피를 마십니다."],
    "zh": ["我每天早上喝一杯咖啡。", "中国是一个历史悠久的国家。"],
    "ru": ["Я люблю читать книги вечером.", "Щука съела жёлтую рыбу."],
}

CASES = [(code, text) for code, text in SENTENCES.items()] + [
    (code, text) for code, texts in MORE.items() for text in texts
]


@pytest.mark.parametrize(("code", "text"), CASES)
def test_sentences_are_detected(code: str, text: str) -> None:
    assert detect_language(text) == code


def test_every_product_language_has_a_sentence_and_a_voice() -> None:
    product = {"en", "hi", "ta", "te", "ml", "kn", "bn", "mr", "gu", "pa", "ur"}
    product |= {"es", "fr", "de", "pt", "it", "ja", "ko", "zh", "ar", "ru"}
    assert set(SENTENCES) == product
    assert product <= set(supported_languages())


@pytest.mark.parametrize(
    "text",
    ["", "   ", "123 456", "!!! ???", "Hi", "Hola", "Bonjour", "OK", "Ciao bella", "Guten Tag"],
)
def test_short_or_letterless_text_is_english(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "Angela Merkel visited Madrid and Paris.",  # names from elsewhere, English words
        "Let's have pizza and pasta tonight.",
        "My friend's name is राम and he lives in Delhi.",  # one Hindi word
        "We ate 寿司 and ramen in Osaka last year.",
    ],
)
def test_english_with_foreign_names_stays_english(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("hi", "मुझे Python programming बहुत पसंद है।"),  # English words inside Hindi
        ("ja", "私はPersona Studioで動画を作ります。"),
        ("ru", "Я работаю в Google уже пять лет."),
        ("ar", "أنا أحب برنامج Persona Studio كثيرا."),
        ("ko", "저는 Seoul에 살아요."),
        ("zh", "我喜欢用Python写程序。"),
    ],
)
def test_mixed_scripts_follow_the_non_latin_one(code: str, text: str) -> None:
    assert detect_language(text) == code


def test_pause_marks_and_tags_are_not_text() -> None:
    assert detect_language("[pause 1.5s] Buenos días a todos [pause 800ms]") == "es"
    assert detect_language("<speak><prosody rate='slow'>नमस्ते दुनिया</prosody></speak>") == "hi"
    assert detect_language("[pause] [pause 2s]") == "en"


def test_urdu_and_arabic_are_told_apart_by_their_letters() -> None:
    assert detect_language("پاکستان") == "ur"  # پ and ک: Urdu (and Persian) letters
    assert detect_language("كتاب") == "ar"  # Arabic kaf
    assert detect_language("یہ کتاب ہے") == "ur"


def test_kana_makes_japanese_han_alone_chinese() -> None:
    assert detect_language("東京大学") == "zh"  # kanji alone cannot be told from hanzi
    assert detect_language("東京へ行きます") == "ja"
    assert detect_language("カタカナ") == "ja"


def test_script_unique_extras_and_ukrainian() -> None:
    assert detect_language("Я люблю свою країну і її мову.") == "uk"
    assert detect_language("שלום עולם") == "he"
    assert detect_language("สวัสดีครับ") == "th"


def test_script_of_letters_and_marks() -> None:
    assert script_of("a") == "LATIN"
    assert script_of("é") == "LATIN"
    assert script_of("Ａ") == "LATIN"  # fullwidth
    assert script_of("न") == "DEVANAGARI"
    assert script_of("ा") == "DEVANAGARI"  # a vowel sign counts with its script
    assert script_of("の") == "KANA"
    assert script_of("ー") == "KANA"
    assert script_of("字") == "HAN"
    assert script_of("한") == "HANGUL"
    for other in "1 ,。!?-":
        assert script_of(other) is None
    counts = script_counts("abc नम 字")
    assert counts == {"LATIN": 3, "DEVANAGARI": 2, "HAN": 1}
    assert has_han("今日は") and not has_han("きょうは")


def test_unsure_langid_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(langdetect, "_identify", lambda text, candidates: ("de", 0.85))
    assert detect_language("Some words of a sentence here.") == "en"
    monkeypatch.setattr(langdetect, "_identify", lambda text, candidates: ("de", 0.95))
    assert detect_language("Some words of a sentence here.") == "de"
    assert detect_language("Guten Tag") == "en"  # short: needs 0.99


def test_devanagari_function_words_decide_before_langid(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(text: str, candidates: tuple[str, ...]) -> tuple[str, float]:
        raise AssertionError("langid consulted")

    monkeypatch.setattr(langdetect, "_identify", fail)
    assert detect_language("आज हवामान छान आहे") == "mr"
    assert detect_language("आज मौसम अच्छा है") == "hi"


def test_script_language_explicit_then_voice_then_detected(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from persona.pipeline import script_language

    monkeypatch.setenv("PERSONA_DATA_DIR", str(tmp_path))
    assert script_language("नमस्ते दुनिया", "en", None) == "en"  # explicit wins
    assert script_language("Hello there, how are you?", None, "espeak-hi") == "hi"
    assert script_language("Hello there, how are you?", "auto", "espeak-hi") == "hi"
    assert script_language("Buenos días a todos.", "AUTO", None) == "es"
    assert script_language("Buenos días a todos.", None, None) == "es"
    with pytest.raises(UnknownVoiceError):
        script_language("Hello.", "auto", "no-such-voice")


def test_the_cached_model_is_the_bundled_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from langid.langid import LanguageIdentifier, model

    from persona.script import langdetect

    monkeypatch.setenv("PERSONA_CACHE_DIR", str(tmp_path))
    langdetect._cached_identifier()  # writes the copy
    (copy,) = tmp_path.glob("langid-*.npz")
    cached = langdetect._cached_identifier()  # reads it
    bundled = LanguageIdentifier.from_modelstring(model, norm_probs=True)
    assert cached.tk_output == bundled.tk_output and cached.nb_classes == bundled.nb_classes
    for identifier in (cached, bundled):
        identifier.set_languages(list(langdetect.LATIN_CANDIDATES))
    for text in ("Guten Tag, wie geht es Ihnen?", "Où est la gare ?", "Good morning to you"):
        assert cached.classify(text) == bundled.classify(text)
    copy.write_bytes(b"not an npz file")  # a damaged copy is replaced, not trusted
    damaged = langdetect._cached_identifier()
    damaged.set_languages(["en", "fr"])
    assert damaged.classify("Où est la gare ?")[0] == "fr"
    assert copy.stat().st_size > 1_000_000
