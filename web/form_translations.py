"""WTForms' own messages ("This field is required.") in every UI language, and the form base class that uses them.

Flask-WTF translates them with WTForms' bundled catalogues, which have no vi at all (a Vietnamese
citizen's appeal form answered in English) and leave most Arabic plural forms in English. The messages
the forms can show are therefore in this app's catalogue too (``MESSAGES`` marks them for ``pybabel
extract``; ru, ar and fa started from WTForms' wording).
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_translations, lazy_gettext, lazy_ngettext
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_translations

MESSAGES = (
    lazy_gettext("This field is required."),
    lazy_gettext("Invalid input."),
    lazy_gettext("Not a valid choice."),
    lazy_gettext("Not a valid integer value."),
    lazy_gettext("Field must be between %(min)d and %(max)d characters long."),
    lazy_gettext("Number must be between %(min)s and %(max)s."),
    lazy_gettext("Number must be at least %(min)s."),
    lazy_gettext("Number must be at most %(max)s."),
    lazy_gettext("Not a valid datetime value."),
    lazy_gettext("Invalid CSRF Token."),
    lazy_gettext("CSRF token missing."),
    lazy_gettext("CSRF token expired."),
    lazy_ngettext("Field must be at least %(min)d character long.",
                  "Field must be at least %(min)d characters long.", 1),
    lazy_ngettext("Field cannot be longer than %(max)d character.",
                  "Field cannot be longer than %(max)d characters.", 1),
)


class FormTranslations:
    """The ``translations`` object WTForms asks for its messages: this app's catalogue first (complete for the
    five languages), WTForms' own for a message it does not list. Unformatted: WTForms fills the text in."""

    def gettext(self, string: str) -> str:
        text = str(get_translations().ugettext(string))
        return text if text != string else str(wtforms_translations.gettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        text = str(get_translations().ungettext(singular, plural, n))
        return text if text not in (singular, plural) else str(wtforms_translations.ngettext(singular, plural, n))


FORM_TRANSLATIONS = FormTranslations()


class LocalisedForm(FlaskForm):
    """Every form of the app: CSRF from Flask-WTF, WTForms' messages in the reader's language."""

    class Meta:
        def get_translations(self, form: Any) -> FormTranslations:
            return FORM_TRANSLATIONS
