"""Seed the QĐ 766 index (DOMAIN.md §7) and the fold lock row. Weights and caps are data: an
administrator edits them in the admin; the split of the 44 online/digitisation points into
22 + 22 and the caps marked "chưa xác nhận" are the commonly implemented values."""

from decimal import Decimal

from django.db import migrations

GROUPS = [
    ("1", "Công khai, minh bạch", 18, [
        ("1.1", "Thủ tục hành chính được công bố, công khai đúng hạn", "not_available", 18, 100,
         "Chưa có dữ liệu công bố thủ tục trên hệ thống."),
    ]),
    ("2", "Tiến độ, kết quả giải quyết", 20, [
        ("2.1", "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn", "on_time", 20, 100,
         "Thời gian chờ bổ sung không tính; yêu cầu bổ sung quá một lần là quá hạn."),
    ]),
    ("3", "Cung cấp dịch vụ công trực tuyến", 22, [
        ("3.1", "Tỷ lệ thủ tục có hồ sơ nộp trực tuyến", "online_procedures", 7, 80,
         "Đạt điểm tối đa từ 80%."),
        ("3.2", "Tỷ lệ hồ sơ nộp trực tuyến", "online_submission", 8, 50,
         "Đạt điểm tối đa từ 50%."),
        ("3.3", "Tỷ lệ thủ tục có thu phí được thanh toán trực tuyến", "online_payment", 7, 80,
         "Đạt điểm tối đa từ 80%."),
    ]),
    ("4", "Số hóa hồ sơ, kết quả giải quyết", 22, [
        ("4.1", "Tỷ lệ hồ sơ có kết quả điện tử", "electronic_results", 11, 100,
         "Ngưỡng chưa xác nhận."),
        ("4.2", "Tỷ lệ hồ sơ được số hóa", "not_available", 11, 80,
         "Chưa có dữ liệu số hóa thành phần hồ sơ trên hệ thống."),
    ]),
    ("5", "Mức độ hài lòng", 18, [
        ("5.1", "Phản ánh, kiến nghị được xử lý đúng hạn (15 ngày làm việc)", "not_available", 6,
         100, "Chưa có phân hệ phản ánh, kiến nghị."),
        ("5.2", "Mức độ hài lòng về kết quả xử lý phản ánh, kiến nghị", "not_available", 6, 100,
         "Chưa có phân hệ phản ánh, kiến nghị."),
        ("5.3", "Mức độ hài lòng về giải quyết thủ tục hành chính", "dossier_satisfaction", 6, 90,
         "100% − (tỷ lệ quá hạn + tỷ lệ không hài lòng); đạt điểm tối đa từ 90%."),
    ]),
]


def seed(apps, schema_editor):
    IndexGroup = apps.get_model("stats", "IndexGroup")
    Indicator = apps.get_model("stats", "Indicator")
    FactLock = apps.get_model("stats", "FactLock")
    FactLock.objects.get_or_create(name="facts")
    for order, (code, name, points, indicators) in enumerate(GROUPS, start=1):
        group, _ = IndexGroup.objects.update_or_create(
            code=code, defaults={"name": name, "max_points": Decimal(points), "order": order}
        )
        for i, (icode, iname, metric, ipoints, full_at, note) in enumerate(indicators, start=1):
            Indicator.objects.update_or_create(
                code=icode,
                defaults={
                    "group": group,
                    "name": iname,
                    "metric": metric,
                    "max_points": Decimal(ipoints),
                    "full_at": Decimal(full_at),
                    "order": i,
                    "note": note,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
