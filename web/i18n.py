"""Locale selection, text direction and local digits for the five UI languages.

Order of precedence: the URL prefix (``/ar/...``), ``?lang=``, the ``lang``
cookie, then the browser's Accept-Language.  ar and fa render right-to-left;
numbers use the script's own digits where people expect them (Arabic-Indic
for ar, Persian for fa).
"""

from __future__ import annotations

from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal, format_percent
from flask import Flask, g, request
from flask_babel import Babel, get_locale

UI_LANGUAGES: tuple[str, ...] = ("ru", "ar", "fa", "vi", "en")
DEFAULT_LANGUAGE = "en"
RTL_LANGUAGES = frozenset({"ar", "fa"})
LANGUAGE_NAMES = {"ru": "Русский", "ar": "العربية", "fa": "فارسی", "vi": "Tiếng Việt", "en": "English"}
LANG_COOKIE = "lang"

_DIGITS = {
    "ar": str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
    "fa": str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
}


def select_language() -> str:
    """The UI language for this request (see module docstring for the order)."""
    from_url = getattr(g, "lang_code", None)
    if from_url in UI_LANGUAGES:
        return str(from_url)
    arg = request.args.get("lang")
    if arg in UI_LANGUAGES:
        return str(arg)
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in UI_LANGUAGES:
        return str(cookie)
    best = request.accept_languages.best_match(UI_LANGUAGES)
    return best or DEFAULT_LANGUAGE


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


def language_name(code: str, lang: str | None = None) -> str:
    """A document language's name in the reader's UI language ("Persian" / "персидский" / "فارسی"), via CLDR."""
    try:
        name = Locale.parse(lang or current_language()).languages.get(code)
    except (ValueError, UnknownLocaleError):
        name = None
    return str(name) if name else code


def text_direction(lang: str | None = None) -> str:
    return "rtl" if (lang or current_language()) in RTL_LANGUAGES else "ltr"


def local_digits(value: Any, lang: str | None = None) -> str:
    """Render ASCII digits in the script's own digits (ar/fa); other languages unchanged."""
    text = "" if value is None else str(value)
    table = _DIGITS.get(lang or current_language())
    return text.translate(table) if table else text


# Arabic and Persian numbers take their own separators and percent sign ("٤٨٬٢٠٠", "٠٫٩٢", "٧٩٪"), not a
# Latin comma, point and "%" between Arabic-Indic digits; CLDR's plain "ar" keeps the Latin ones.
_NUMBER_LOCALE = {"ar": "ar_EG"}
_PERCENT_SIGN = {"ar": "٪", "fa": "٪"}


_LIST_SEPARATOR = {"ar": "، ", "fa": "، "}
_CLAUSE_SEPARATOR = {"ar": "؛ ", "fa": "؛ "}


def list_separator(lang: str | None = None) -> str:
    """What joins a list's items in the reader's script: "، " in Arabic and Persian, ", " elsewhere."""
    return _LIST_SEPARATOR.get(lang or current_language(), ", ")


def clause_separator(lang: str | None = None) -> str:
    """A semicolon between two clauses: "؛ " in Arabic and Persian, "; " elsewhere."""
    return _CLAUSE_SEPARATOR.get(lang or current_language(), "; ")


def local_number(value: float, lang: str | None = None) -> str:
    """A number in the reader's separators and digits ("48,200", "48 200", "۴۸٬۲۰۰")."""
    lang = lang or current_language()
    return local_digits(str(format_decimal(value, locale=_NUMBER_LOCALE.get(lang, lang), numbering_system="default")),
                        lang)


def local_percent(share: float, lang: str | None = None) -> str:
    """A share (0..1) as a percentage in the reader's locale, digits and percent sign."""
    lang = lang or current_language()
    text = str(format_percent(share, locale=_NUMBER_LOCALE.get(lang, lang), numbering_system="default"))
    sign = _PERCENT_SIGN.get(lang)
    return local_digits(text.replace("%", sign) if sign else text, lang)


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    Babel(app, locale_selector=select_language)
    app.jinja_env.filters["digits"] = local_digits
    app.jinja_env.globals["list_sep"] = list_separator
    app.jinja_env.globals["clause_sep"] = clause_separator

    @app.context_processor
    def _i18n_context() -> dict[str, Any]:
        lang = current_language()
        return {
            "ui_lang": lang,
            "ui_dir": text_direction(lang),
            "ui_languages": UI_LANGUAGES,
            "language_names": LANGUAGE_NAMES,
        }

    @app.after_request
    def _remember_choice(response: Any) -> Any:
        chosen = getattr(g, "lang_code", None) or request.args.get("lang")
        if chosen in UI_LANGUAGES and request.cookies.get(LANG_COOKIE) != chosen:
            response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        response.headers.setdefault("Content-Language", current_language())
        return response
