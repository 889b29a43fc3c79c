"""Seed the categories, the province's clocks (national index values, DOMAIN.md §11), the
notification templates, and on PostgreSQL the board's word-search index."""

from django.db import migrations

from chinhquyen.core.search import index_sql

CATEGORIES = [
    ("trat-tu-do-thi", "Trật tự đô thị"),
    ("moi-truong", "Môi trường"),
    ("giao-thong", "Giao thông"),
    ("dat-dai", "Đất đai"),
    ("xay-dung", "Xây dựng"),
    ("thu-tuc-hanh-chinh", "Thủ tục hành chính"),
    ("can-bo-cong-chuc", "Cán bộ, công chức"),
    ("y-te-giao-duc", "Y tế, giáo dục"),
    ("dien-nuoc", "Điện, nước, chiếu sáng"),
    ("khac", "Khác"),
]

FOOTER = "\n\nThư này được gửi tự động từ hệ thống dịch vụ công, vui lòng không trả lời thư này."
TEMPLATES = {
    "feedback.contact_code": (
        "Gửi mã xác minh liên hệ của người gửi phản ánh. Biến: otp, minutes.",
        "Ma xac minh phan anh: {{ otp }} (hieu luc {{ minutes }} phut). Khong chia se ma nay.",
        "Mã xác minh gửi phản ánh",
        "Mã xác minh của Ông/Bà là {{ otp }}, có hiệu lực {{ minutes }} phút." + FOOTER,
    ),
    "feedback.received": (
        "Gửi khi tiếp nhận phản ánh. Biến: code, pin, name.",
        "Da tiep nhan phan anh {{ code }}. Ma tra cuu (PIN): {{ pin }}.",
        "Đã tiếp nhận phản ánh {{ code }}",
        "Kính gửi {{ name }},\n\nPhản ánh của Ông/Bà đã được tiếp nhận với mã {{ code }}; "
        "mã tra cứu (PIN): {{ pin }}." + FOOTER,
    ),
    "feedback.rejected": (
        "Gửi khi phản ánh không được tiếp nhận. Biến: code, reason, name.",
        "Phan anh {{ code }} khong duoc tiep nhan: {{ reason }}",
        "Phản ánh {{ code }} không được tiếp nhận",
        "Kính gửi {{ name }},\n\nPhản ánh {{ code }} không được tiếp nhận. Lý do: {{ reason }}"
        + FOOTER,
    ),
    "feedback.info_requested": (
        "Gửi khi đơn vị đề nghị bổ sung thông tin. Biến: code, request, name.",
        "Phan anh {{ code }}: de nghi bo sung thong tin. Vui long tra cuu de bo sung.",
        "Đề nghị bổ sung thông tin phản ánh {{ code }}",
        "Kính gửi {{ name }},\n\nĐể xử lý phản ánh {{ code }}, đề nghị Ông/Bà bổ sung: "
        "{{ request }}\nVui lòng tra cứu phản ánh bằng mã và mã PIN để bổ sung." + FOOTER,
    ),
    "feedback.answered": (
        "Gửi khi phản ánh được trả lời. Biến: code, name.",
        "Phan anh {{ code }} da duoc tra loi. Vui long tra cuu de xem va danh gia.",
        "Phản ánh {{ code }} đã được trả lời",
        "Kính gửi {{ name }},\n\nPhản ánh {{ code }} đã được trả lời. Vui lòng tra cứu để xem "
        "câu trả lời và đánh giá mức độ hài lòng." + FOOTER,
    ),
    "feedback.merged": (
        "Gửi khi phản ánh được gộp vào phản ánh trùng. Biến: code, into, name.",
        "Phan anh {{ code }} trung noi dung, duoc theo doi chung voi phan anh {{ into }}.",
        "Phản ánh {{ code }} được gộp",
        "Kính gửi {{ name }},\n\nPhản ánh {{ code }} trùng nội dung và được xử lý chung với phản "
        "ánh {{ into }}." + FOOTER,
    ),
    "feedback.due": (
        "Nhắc cán bộ khi phản ánh sắp đến hạn hoặc quá hạn. Biến: code, step, due, url.",
        "",
        "Phản ánh {{ code }}: {{ step }} hạn {{ due }}",
        "Phản ánh {{ code }} cần {{ step }}, hạn {{ due }}.\n{{ url }}" + FOOTER,
    ),
}


def seed(apps, schema_editor):
    Category = apps.get_model("feedback", "FeedbackCategory")
    for order, (code, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    apps.get_model("feedback", "FeedbackClocks").objects.get_or_create(pk=1)
    Template = apps.get_model("notifications", "NotificationTemplate")
    for key, (description, sms, subject, email) in TEMPLATES.items():
        if sms:
            Template.objects.get_or_create(
                key=key, channel="sms", defaults={"body": sms, "description": description}
            )
        Template.objects.get_or_create(
            key=key,
            channel="email",
            defaults={"subject": subject, "body": email, "description": description},
        )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            index_sql(table="feedback_feedbackitem", name="feedback_item_search_words")
        )


def unseed(apps, schema_editor):
    apps.get_model("notifications", "NotificationTemplate").objects.filter(
        key__in=list(TEMPLATES)
    ).delete()
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS feedback_item_search_words")


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("notifications", "0004_lookup_locked_template"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
