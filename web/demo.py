"""Demo accounts (and a few FAQ answers) for ``healthpulse demo``.

Passwords are random per run and printed by the demo command; nothing here
is used outside the demo.
"""

from __future__ import annotations

import secrets
from typing import Any

from healthpulse.core.models.users import User
from healthpulse.web.services import faq as faq_svc
from healthpulse.web.services import users as user_svc
from healthpulse.web.services.context import WebContext
from sqlalchemy import select

DEMO_FAQ = [
    ("drug_supply", "en", "What can I do if the pharmacy has no prescribed medicine?",
     "Ask the pharmacist to record the request; it must be fulfilled within 10 working days. If not, send an appeal with the name of the pharmacy."),
    ("drug_supply", "ru", "Что делать, если в аптеке нет лекарства по рецепту?",
     "Попросите фармацевта зарегистрировать отсроченный рецепт: его должны обеспечить в течение 10 рабочих дней. Если этого не произошло, отправьте обращение с названием аптеки."),
    ("waiting_times", "ru", "Сколько можно ждать приёма у специалиста?",
     "Срок ожидания приёма узкого специалиста — не более 14 рабочих дней со дня обращения."),
    ("waiting_times", "ar", "ما هي المدة القصوى لانتظار موعد مع الطبيب المختص؟",
     "يجب ألا تتجاوز مدة الانتظار أربعة عشر يوم عمل من تاريخ الطلب. إذا تأخر الموعد يمكنك تقديم شكوى."),
    ("emergency_care", "fa", "اگر آمبولانس دیر برسد چه کنم؟",
     "زمان و مکان تماس را یادداشت کنید و از طریق سامانه شکایت ثبت کنید تا معاونت درمان پیگیری کند."),
    ("payment_insurance", "vi", "Bệnh viện thu thêm tiền ngoài bảo hiểm thì phải làm gì?",
     "Giữ lại hóa đơn và gửi phản ánh kèm tên bệnh viện; Sở Y tế sẽ kiểm tra trong vòng 15 ngày làm việc."),
]


def _password() -> str:
    return secrets.token_urlsafe(9)


def _upsert(session: Any, username: str, role: str, department: str | None, known: list[str]) -> str:
    password = _password()
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        user_svc.create_user(session, username, password, role, department, known_departments=known)
    else:
        user_svc.update_user(session, user, role=role, department_id=department, active=True, known_departments=known)
        user_svc.set_password(session, user, password)
    return password


def create_demo_accounts(container: WebContext) -> list[tuple[str, str, str, str | None]]:
    """An admin, a press officer and one officer per department; returns (username, password, role, department)."""
    known = container.departments.ids
    out: list[tuple[str, str, str, str | None]] = []
    with container.session() as s:
        out.append(("admin", _upsert(s, "admin", "admin", None, known), "admin", None))
        out.append(("press", _upsert(s, "press", "press", None, known), "press", None))
        for dep in known:
            name = f"{dep}-officer"
            out.append((name, _upsert(s, name, "department", dep, known), "department", dep))
        seed_demo_faq(s)
    return out


def seed_demo_faq(session: Any) -> int:
    """A few FAQ answers so the portal's FAQ and the press office's coverage view have content."""
    if faq_svc.list_faq(session, published_only=False):
        return 0
    for i, (topic, lang, question, answer) in enumerate(DEMO_FAQ):
        faq_svc.save_faq(session, topic=topic, language=lang, question=question, answer=answer, position=i)
    return len(DEMO_FAQ)
