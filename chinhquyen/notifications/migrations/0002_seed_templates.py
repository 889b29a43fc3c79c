"""Seed the one-stop shop's notification templates (Vietnamese, editable by administrators).

Each event has an SMS and an e-mail version. Variables come from the dossier services; a
variable they do not pass renders as an empty string (the e-mails use ``default`` for names).
Re-running never overwrites an administrator's edits (get_or_create by key and channel).
"""

from django.db import migrations

FOOTER = (
    "\n\nThư này được gửi tự động từ hệ thống dịch vụ công, vui lòng không trả lời thư này."
)
GREETING = 'Kính gửi {{ applicant_name|default:"Ông/Bà" }},\n\n'
LOOKUP = (
    "{% if lookup_url %}\n\nÔng/Bà có thể tra cứu tình trạng hồ sơ tại {{ lookup_url }}"
    "{% if pin %} với mã PIN {{ pin }}{% endif %}.{% endif %}"
)

TEMPLATES = [
    {
        "key": "dossier.received",
        "description": (
            "Gửi khi hồ sơ được tiếp nhận. Biến: code (mã hồ sơ), appointment (thời gian hẹn "
            "trả), lookup_url (địa chỉ tra cứu), pin (mã PIN tra cứu), applicant_name, "
            "procedure_name, organisation (nơi tiếp nhận)."
        ),
        "sms": (
            "Hồ sơ {{ code }} đã được tiếp nhận, hẹn trả kết quả {{ appointment }}. "
            "Tra cứu tại {{ lookup_url }} với mã PIN {{ pin }}."
        ),
        "subject": "Hồ sơ {{ code }} đã được tiếp nhận",
        "email": (
            GREETING
            + "Hồ sơ {{ code }}{% if procedure_name %} ({{ procedure_name }}){% endif %} đã được "
            "tiếp nhận{% if organisation %} tại {{ organisation }}{% endif %}.\n"
            "Thời gian hẹn trả kết quả: {{ appointment }}."
            + LOOKUP
            + FOOTER
        ),
    },
    {
        "key": "dossier.supplement_requested",
        "description": (
            "Gửi khi cơ quan yêu cầu bổ sung, hoàn thiện hồ sơ. Biến: code, reason (nội dung "
            "cần bổ sung), deadline (hạn bổ sung, nếu có), contact (nơi liên hệ, nếu có), "
            "lookup_url, pin, applicant_name."
        ),
        "sms": (
            "Hồ sơ {{ code }} cần bổ sung, hoàn thiện: {{ reason }}. "
            "Chi tiết tại {{ lookup_url }} với mã PIN {{ pin }}."
        ),
        "subject": "Yêu cầu bổ sung, hoàn thiện hồ sơ {{ code }}",
        "email": (
            GREETING
            + "Hồ sơ {{ code }} cần được bổ sung, hoàn thiện.\n"
            "Nội dung cần bổ sung: {{ reason }}."
            "{% if deadline %}\nĐề nghị Ông/Bà bổ sung trước {{ deadline }}.{% endif %}"
            "{% if contact %}\nNơi liên hệ: {{ contact }}.{% endif %}\n\n"
            "Thời gian chờ bổ sung không tính vào thời hạn giải quyết hồ sơ."
            + LOOKUP
            + FOOTER
        ),
    },
    {
        "key": "dossier.result_ready",
        "description": (
            "Gửi khi hồ sơ đã có kết quả. Biến: code, place (nơi nhận kết quả, nếu có), "
            "lookup_url, pin, applicant_name."
        ),
        "sms": (
            "Hồ sơ {{ code }} đã có kết quả{% if place %}, mời nhận tại {{ place }}{% endif %}. "
            "Tra cứu tại {{ lookup_url }} với mã PIN {{ pin }}."
        ),
        "subject": "Hồ sơ {{ code }} đã có kết quả",
        "email": (
            GREETING
            + "Hồ sơ {{ code }} đã có kết quả giải quyết."
            "{% if place %}\nMời Ông/Bà nhận kết quả tại {{ place }}.{% endif %}"
            + LOOKUP
            + FOOTER
        ),
    },
    {
        "key": "dossier.late_apology",
        "description": (
            "Gửi kèm văn bản xin lỗi khi hồ sơ không kịp trả đúng hẹn (chỉ hẹn lại một lần). "
            "Biến: code, appointment (thời gian hẹn cũ), new_appointment (thời gian hẹn mới), "
            "reason (lý do chậm), organisation (cơ quan giải quyết), lookup_url, pin, "
            "applicant_name."
        ),
        "sms": (
            "Xin lỗi Ông/Bà: hồ sơ {{ code }} chưa thể trả kết quả đúng hẹn {{ appointment }}. "
            "Hẹn trả kết quả mới: {{ new_appointment }}. "
            "Tra cứu tại {{ lookup_url }} với mã PIN {{ pin }}."
        ),
        "subject": "Xin lỗi và hẹn lại thời gian trả kết quả hồ sơ {{ code }}",
        "email": (
            GREETING
            + '{{ organisation|default:"Cơ quan giải quyết" }} chân thành xin lỗi Ông/Bà vì '
            "hồ sơ {{ code }} chưa thể trả kết quả đúng thời gian hẹn {{ appointment }}."
            "{% if reason %}\nLý do: {{ reason }}.{% endif %}\n"
            "Thời gian hẹn trả kết quả mới: {{ new_appointment }}.\n\n"
            "Mong Ông/Bà thông cảm."
            + LOOKUP
            + FOOTER
        ),
    },
    {
        "key": "dossier.refused",
        "description": (
            "Gửi khi cơ quan từ chối tiếp nhận, giải quyết hồ sơ. Biến: code, reason (lý do), "
            "procedure_name, applicant_name."
        ),
        "sms": "Hồ sơ {{ code }} bị từ chối tiếp nhận, giải quyết. Lý do: {{ reason }}.",
        "subject": "Thông báo từ chối tiếp nhận, giải quyết hồ sơ {{ code }}",
        "email": (
            GREETING
            + "Hồ sơ {{ code }}{% if procedure_name %} ({{ procedure_name }}){% endif %} "
            "không được tiếp nhận, giải quyết.\n"
            "Lý do: {{ reason }}.\n\n"
            "Ông/Bà có thể liên hệ bộ phận một cửa để được hướng dẫn."
            + FOOTER
        ),
    },
    {
        "key": "dossier.payment_received",
        "description": (
            "Gửi khi đã nhận phí, lệ phí của hồ sơ. Biến: code, amount (số tiền đã định dạng, "
            "ví dụ 50.000 đồng), paid_at (thời điểm thanh toán), lookup_url, pin, "
            "applicant_name."
        ),
        "sms": (
            "Đã nhận thanh toán {{ amount }} cho hồ sơ {{ code }}"
            "{% if paid_at %} lúc {{ paid_at }}{% endif %}. Xin cảm ơn."
        ),
        "subject": "Xác nhận đã nhận thanh toán cho hồ sơ {{ code }}",
        "email": (
            GREETING
            + "Cơ quan đã nhận khoản thanh toán {{ amount }} cho hồ sơ {{ code }}"
            "{% if paid_at %} lúc {{ paid_at }}{% endif %}.\n"
            "Xin cảm ơn Ông/Bà."
            + LOOKUP
            + FOOTER
        ),
    },
]


def seed_templates(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    for item in TEMPLATES:
        NotificationTemplate.objects.get_or_create(
            key=item["key"],
            channel="sms",
            defaults={"subject": "", "body": item["sms"], "description": item["description"]},
        )
        NotificationTemplate.objects.get_or_create(
            key=item["key"],
            channel="email",
            defaults={
                "subject": item["subject"],
                "body": item["email"],
                "description": item["description"],
            },
        )


def remove_templates(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    NotificationTemplate.objects.filter(key__in=[item["key"] for item in TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(seed_templates, remove_templates)]
