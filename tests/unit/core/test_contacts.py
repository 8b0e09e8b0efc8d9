"""The one validator for e-mail addresses and phone numbers (issue 16.2, 15.2), and the config files using it."""

import pytest
from healthpulse.core.config_files import ConfigError
from healthpulse.core.contacts import InvalidContact, normalize_phone, validate_email, validate_phone
from healthpulse.core.departments import load_departments
from healthpulse.core.settings import load_settings

GOOD_EMAILS = ["a@x.com", "amira.hassan@example.org", "o'brien+news@mail.example.co.uk", "ivan@пример.рф",
               "  padded@example.org  "]
BAD_EMAILS = [
    "a@x.com\r\nBcc: v@y",          # header injection
    "a@x.com\nBcc: v@y", "a@x.com\r", "a@x.com\x00", "a@x\u202e.com",
    '"Ops" <a@x.com>', "Ops <a@x.com>", "a@x.com <b@y.com>",  # display-name tricks
    "a@x.com, b@y.com", "a@x.com;b@y.com", "a@b@x.com",      # more than one address
    "not-an-address", "@x.com", "a@", "a@localhost", "a b@x.com", "a@x..com", ".a@x.com", "a@-x.com",
    "a" * 65 + "@x.com", "a@" + "x" * 250 + ".com", "",
]


@pytest.mark.parametrize("value", GOOD_EMAILS)
def test_plain_addresses_are_accepted(value):
    assert validate_email(value) == value.strip()


@pytest.mark.parametrize("value", BAD_EMAILS)
def test_anything_but_one_plain_address_is_refused(value):
    with pytest.raises(InvalidContact, match="expected one e-mail address"):
        validate_email(value)


def test_a_single_label_domain_only_where_asked_for():
    assert validate_email("healthpulse@localhost", require_dot=False) == "healthpulse@localhost"
    with pytest.raises(InvalidContact):
        validate_email("a@localhost\r\nBcc: v@y", require_dot=False)


@pytest.mark.parametrize(("typed", "normalised"), [
    ("+۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹", "+98 912 345 6789"),            # Persian digits
    ("٠١٠٠ ٥٥٥ ١٢٣٤", "0100 555 1234"),                  # Arabic-Indic digits
    ("\u200f+20\u00a0100\u2009555\u20131234", "+20 100 555-1234"),  # RLM, no-break/thin space, en dash
    ("＋７ ９１２ ３４５ ６７ ８９", "+7 912 345 67 89"),    # full-width
    ("+7 (912) 345-67-89", "+7 (912) 345-67-89"),
])
def test_phone_numbers_in_any_script_are_normalised(typed, normalised):
    assert normalize_phone(typed) == normalised
    assert validate_phone(typed) == normalised


@pytest.mark.parametrize("value", ["12", "abc", "+7 912 abc", "1+2345678", "9" * 16, "", "+7\r\n912 345 67 89x"])
def test_a_wrong_number_says_what_is_expected(value):
    with pytest.raises(InvalidContact, match=r"expected a phone number in digits.*such as \+7 912 345-67-89"):
        validate_phone(value)


def test_departments_file_refuses_an_injected_address_naming_file_line_and_key(tmp_path):
    path = tmp_path / "departments.yaml"
    path.write_text('departments:\n  - id: surgut\n    name: Surgut\n    places: ["Surgut"]\n'
                    '    email: "a@x.com\\r\\nBcc: v@y"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_departments(path)
    assert "departments.yaml:5" in str(err.value) and "email" in str(err.value)


def test_settings_refuse_an_injected_sender_address(tmp_path):
    path = tmp_path / "healthpulse.yaml"
    path.write_text('mail_from: "HealthPulse <alerts@x.org>"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    assert "healthpulse.yaml:1" in str(err.value) and "mail_from" in str(err.value)


def test_rules_file_refuses_an_injected_triage_address(tmp_path):
    from healthpulse.alerts.rules_file import load_rules

    path = tmp_path / "rules.yaml"
    path.write_text('triage:\n  email: "ops@x.org, attacker@y.org"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_rules(path)
    assert "rules.yaml:2" in str(err.value) and "triage.email" in str(err.value)
