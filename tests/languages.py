"""One short sentence per language Persona Studio speaks (1-3 s of speech each).

Written for these tests; the Japanese sentence is in kana because eSpeak NG reads no
kanji (``docs/languages.md``).
"""

from __future__ import annotations

SENTENCES: dict[str, str] = {
    "en": "Good morning, the weather is lovely today.",
    "hi": "नमस्ते, आज मौसम बहुत अच्छा है।",
    "ta": "வணக்கம், இன்று வானிலை நன்றாக இருக்கிறது.",
    "te": "నమస్కారం, ఈ రోజు చాలా బాగుంది.",
    "ml": "നമസ്കാരം, ഇന്ന് കാലാവസ്ഥ നല്ലതാണ്.",
    "kn": "ನಮಸ್ಕಾರ, ಇಂದು ಹವಾಮಾನ ಚೆನ್ನಾಗಿದೆ.",
    "bn": "নমস্কার, আজ আবহাওয়া খুব ভালো।",
    "mr": "नमस्कार, आज हवामान खूप छान आहे.",
    "gu": "નમસ્તે, આજે હવામાન ખૂબ સરસ છે.",
    "pa": "ਸਤ ਸ੍ਰੀ ਅਕਾਲ, ਅੱਜ ਮੌਸਮ ਬਹੁਤ ਵਧੀਆ ਹੈ।",
    "ur": "السلام علیکم، آج موسم بہت اچھا ہے۔",
    "es": "Buenos días, hoy hace muy buen tiempo.",
    "fr": "Bonjour, il fait très beau aujourd'hui.",
    "de": "Guten Morgen, heute ist das Wetter sehr schön.",
    "pt": "Bom dia, hoje o tempo está muito bonito.",
    "it": "Buongiorno, oggi il tempo è molto bello.",
    "ja": "こんにちは、きょうはとてもいいてんきですね。",
    "ko": "안녕하세요, 오늘 날씨가 좋네요.",
    "zh": "你好，今天天气很好。",
    "ar": "مرحبا، الطقس جميل جدا اليوم.",
    "ru": "Здравствуйте, сегодня хорошая погода.",
}
"""Language code → a greeting and a remark on the weather, in the language's own script."""

SCRIPTS: dict[str, str] = {
    "en": "Latin",
    "hi": "Devanagari",
    "ta": "Tamil",
    "te": "Telugu",
    "ml": "Malayalam",
    "kn": "Kannada",
    "bn": "Bengali",
    "mr": "Devanagari",
    "gu": "Gujarati",
    "pa": "Gurmukhi",
    "ur": "Arabic (Urdu)",
    "es": "Latin",
    "fr": "Latin",
    "de": "Latin",
    "pt": "Latin",
    "it": "Latin",
    "ja": "Kana",
    "ko": "Hangul",
    "zh": "Han",
    "ar": "Arabic",
    "ru": "Cyrillic",
}
