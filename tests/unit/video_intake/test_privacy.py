"""Contacts masked in transcripts; the original video only for the assigned department and admins."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pytest
from healthpulse.video_intake.privacy import MASK, can_view_video, mask_contacts, transcript_for


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Позвоните мне: +7 (912) 345-67-89, пожалуйста", "345-67-89"),
        ("мой номер 89123456789", "89123456789"),
        ("write to ivan.petrov@mail.ru please", "ivan.petrov@mail.ru"),
        ("رقمي ٠١٢٣٤٥٦٧٨٩ شكرا", "٠١٢٣٤٥٦٧٨٩"),
        ("شماره من ۰۹۱۲۳۴۵۶۷۸۹ است", "۰۹۱۲۳۴۵۶۷۸۹"),
        ("số điện thoại 0912 345 678 nhé", "0912 345 678"),
    ],
)
def test_masks_phones_and_emails(text, secret):
    masked = mask_contacts(text)
    assert secret not in masked and MASK in masked


def test_keeps_dates_ages_and_short_numbers():
    text = "15 мая 2024 года, мне 45 лет, палата 12"
    assert mask_contacts(text) == text


def test_video_access_rules():
    appeal = NS(department_id="surgut")
    officer = NS(role="department", department_id="surgut")
    other = NS(role="department", department_id="khanty")
    press = NS(role="press", department_id=None)
    admin = NS(role="admin", department_id=None)
    assert can_view_video(officer, appeal) and can_view_video(admin, appeal)
    assert not can_view_video(other, appeal)
    assert not can_view_video(press, appeal)
    assert not can_view_video(None, appeal)
    text = "call me on +7 912 345 67 89"
    assert transcript_for(officer, appeal, text) == text
    for viewer in (other, press, admin, None):
        assert "912" not in transcript_for(viewer, appeal, text)
