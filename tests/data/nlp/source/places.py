"""Surface forms of the bundled departments' places per language, used to fill
the {slots} of the hand-written scenarios (inflected / clitic / variant forms on purpose)."""

PLACES = {
    "ru": [
        {"dep": "surgut", "nom": "Сургут", "gen": "Сургута", "loc": "Сургуте", "ins": "Сургутом", "adj": "сургутской",
         "F": "Сургутская окружная клиническая больница", "F_loc": "Сургутской окружной клинической больнице"},
        {"dep": "nizhnevartovsk", "nom": "Нижневартовск", "gen": "Нижневартовска", "loc": "Нижневартовске", "ins": "Нижневартовском", "adj": "нижневартовской",
         "F": "Нижневартовская окружная клиническая больница", "F_loc": "Нижневартовской окружной клинической больнице"},
        {"dep": "khanty_mansiysk", "nom": "Ханты-Мансийск", "gen": "Ханты-Мансийска", "loc": "Ханты-Мансийске", "ins": "Ханты-Мансийском", "adj": "ханты-мансийской",
         "F": "Окружная клиническая больница Ханты-Мансийска", "F_loc": "Окружной клинической больнице Ханты-Мансийска"},
        {"dep": "nefteyugansk", "nom": "Нефтеюганск", "gen": "Нефтеюганска", "loc": "Нефтеюганске", "ins": "Нефтеюганском", "adj": "нефтеюганской",
         "F": None, "F_loc": None},
    ],
    "ar": [
        {"dep": "cairo", "nom": "القاهرة", "bi": "بالقاهرة", "wa": "والقاهرة", "F": "مستشفى القصر العيني"},
        {"dep": "giza", "nom": "الجيزة", "bi": "بالجيزة", "wa": "والجيزة", "F": "مستشفى أم المصريين"},
        {"dep": "alexandria", "nom": "الاسكندرية", "bi": "بالإسكندرية", "wa": "والإسكندرية", "F": "مستشفى رأس التين"},
        {"dep": "riyadh", "nom": "الرياض", "bi": "بالرياض", "wa": "والرياض", "F": "مدينة الملك سعود الطبية"},
        {"dep": "makkah", "nom": "جدة", "bi": "بجدة", "wa": "وجدة", "F": "مستشفى الملك فهد بجدة"},
        {"dep": "northern_borders", "nom": "عرعر", "bi": "بعرعر", "wa": "وعرعر", "F": "مستشفى عرعر المركزي"},
        {"dep": "cairo", "nom": "القاهره", "bi": "بالقاهره", "wa": "والقاهره", "F": "مستشفى الدمرداش"},
    ],
    "fa": [
        {"dep": "tehran", "nom": "تهران", "adj": "تهرانی", "F": "بیمارستان امام خمینی"},
        {"dep": "isfahan", "nom": "اصفهان", "adj": "اصفهانی", "F": "بیمارستان الزهرا"},
        {"dep": "mashhad", "nom": "مشهد", "adj": "مشهدی", "F": "بیمارستان امام رضا"},
        {"dep": "shiraz", "nom": "شیراز", "adj": "شیرازی", "F": "بیمارستان نمازی"},
        {"dep": "tehran", "nom": "تهران", "adj": "تهرانی", "F": "بیمارستان سینا"},
    ],
    "vi": [
        {"dep": "hcmc", "nom": "TP.HCM", "F": "Bệnh viện Chợ Rẫy"},
        {"dep": "hanoi", "nom": "Hà Nội", "F": "Bệnh viện Bạch Mai"},
        {"dep": "da_nang", "nom": "Đà Nẵng", "F": "Bệnh viện Đà Nẵng"},
        {"dep": "hcmc", "nom": "Sài Gòn", "F": "Bệnh viện Nhi Đồng 1"},
        {"dep": "hanoi", "nom": "Ha Noi", "F": "Bệnh viện Việt Đức"},
        {"dep": "hcmc", "nom": "Thành phố Hồ Chí Minh", "F": "Bệnh viện Chợ Rẫy"},
        {"dep": "da_nang", "nom": "Da Nang", "F": "Bệnh viện Đà Nẵng"},
        {"dep": "hcmc", "nom": "Sai Gon", "F": "Bệnh viện Nhi Đồng 1"},
    ],
    "en": [
        {"dep": "manchester", "nom": "Manchester", "F": "Manchester Royal Infirmary"},
        {"dep": "birmingham", "nom": "Birmingham", "F": "Queen Elizabeth Hospital Birmingham"},
        {"dep": "leeds", "nom": "Leeds", "F": "Leeds General Infirmary"},
        {"dep": "manchester", "nom": "Manchester", "F": "North Manchester General Hospital"},
        {"dep": "leeds", "nom": "Leeds", "F": "St James's University Hospital"},
    ],
}

# Channel framings: how the same content reads as a citizen transcript, a hotline summary or an e-mail.
FRAMES = {
    "ru": {
        "transcript": ["Здравствуйте, я по такому вопросу. {t} Вот, собственно, всё.", "Алло, да, это... ну, короче, {t} Помогите, пожалуйста.", "Добрый день. Значит так, {t}"],
        "hotline": ["Обращение на горячую линию. Суть: {t}", "Звонок гражданина. {t}"],
        "email": ["Тема: обращение\n\nДобрый день! {t}\n\nС уважением, Ирина Петрова", "Уважаемые коллеги! {t}\nСпасибо за внимание."],
        "news": ["{t}", "{t} Об этом сообщает местное издание.", "{t} Подробности уточняются."],
    },
    "ar": {
        "transcript": ["السلام عليكم. عندي موضوع. {t} هذا كل شيء.", "ألو، نعم... يعني، {t} أرجو المساعدة.", "مساء الخير. باختصار، {t}"],
        "hotline": ["بلاغ عبر الخط الساخن: {t}", "اتصال من مواطن. {t}"],
        "email": ["الموضوع: رسالة مواطن\n\nتحية طيبة، {t}\n\nمع الشكر، أحمد علي", "السادة المسؤولين، {t}\nوشكراً لاهتمامكم."],
        "news": ["{t}", "{t} بحسب ما أفادت وسائل إعلام محلية.", "{t} ولا تزال التفاصيل قيد المتابعة."],
    },
    "fa": {
        "transcript": ["سلام. یه موضوعی هست. {t} همین دیگه.", "الو، بله... خلاصه {t} لطفاً کمک کنید.", "سلام وقت بخیر. ببینید، {t}"],
        "hotline": ["گزارش تماس با سامانه ۱۹۰: {t}", "تماس یک شهروند. {t}"],
        "email": ["موضوع: پیام شهروند\n\nبا سلام و احترام، {t}\n\nبا تشکر، مریم احمدی", "مسئولان محترم، {t}\nبا سپاس از توجه شما."],
        "news": ["{t}", "{t} به گزارش خبرگزاری‌های محلی.", "{t} جزئیات بیشتر هنوز اعلام نشده است."],
    },
    "vi": {
        "transcript": ["Alo, chào anh chị. Tôi gọi về chuyện này. {t} Vậy thôi ạ.", "Dạ, à... nói chung là {t} Mong được giúp đỡ.", "Xin chào. Chuyện là {t}"],
        "hotline": ["Phản ánh qua đường dây nóng: {t}", "Cuộc gọi của người dân. {t}"],
        "email": ["Tiêu đề: thư của người dân\n\nKính gửi quý cơ quan, {t}\n\nTrân trọng, Nguyễn Văn An", "Kính gửi Sở Y tế, {t}\nRất mong nhận được phản hồi."],
        "news": ["{t}", "{t} Theo báo địa phương.", "{t} Sự việc đang được làm rõ."],
    },
    "en": {
        "transcript": ["Hi, um, I'm calling about something that happened. {t} That's it really.", "Hello, yeah... so basically {t} Please help.", "Good afternoon. So, {t}"],
        "hotline": ["Hotline call summary: {t}", "Call from a member of the public. {t}"],
        "email": ["Subject: my experience\n\nDear Sir or Madam, {t}\n\nKind regards, Sarah Jones", "To whom it may concern, {t}\nI look forward to your reply."],
        "news": ["{t}", "{t} The local paper reported the story on Monday.", "{t} Details are still emerging."],
    },
}
