"""Security event kind: a portal page changed outside the editorial workflow."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('secops', '0003_integrity_check'),
    ]

    operations = [
        migrations.AlterField(
            model_name='alert',
            name='kind',
            field=models.CharField(choices=[('login_succeeded', 'Đăng nhập thành công'), ('login_failed', 'Đăng nhập thất bại'), ('lockout', 'Khóa tài khoản do đăng nhập sai nhiều lần'), ('logout', 'Đăng xuất'), ('permission_denied', 'Từ chối truy cập'), ('token_rejected', 'Từ chối khóa API/phiên xác thực'), ('mfa_failed', 'Xác thực hai lớp thất bại'), ('rate_limited', 'Vượt giới hạn số lần yêu cầu'), ('mfa_changed', 'Thay đổi xác thực hai lớp'), ('privilege_changed', 'Thay đổi quyền, chức vụ'), ('mass_export', 'Xuất dữ liệu hàng loạt'), ('unusual_lookup', 'Tra cứu bất thường (bị khóa)'), ('signature_failed', 'Chữ ký số trên tệp nhận về không hợp lệ'), ('integrity_mismatch', 'Tệp lưu trữ bị thay đổi hoặc mất (kiểm tra toàn vẹn)'), ('portal_integrity', 'Trang cổng thông tin bị thay đổi ngoài quy trình')], max_length=32, verbose_name='loại sự kiện'),
        ),
        migrations.AlterField(
            model_name='alertrule',
            name='kind',
            field=models.CharField(choices=[('login_succeeded', 'Đăng nhập thành công'), ('login_failed', 'Đăng nhập thất bại'), ('lockout', 'Khóa tài khoản do đăng nhập sai nhiều lần'), ('logout', 'Đăng xuất'), ('permission_denied', 'Từ chối truy cập'), ('token_rejected', 'Từ chối khóa API/phiên xác thực'), ('mfa_failed', 'Xác thực hai lớp thất bại'), ('rate_limited', 'Vượt giới hạn số lần yêu cầu'), ('mfa_changed', 'Thay đổi xác thực hai lớp'), ('privilege_changed', 'Thay đổi quyền, chức vụ'), ('mass_export', 'Xuất dữ liệu hàng loạt'), ('unusual_lookup', 'Tra cứu bất thường (bị khóa)'), ('signature_failed', 'Chữ ký số trên tệp nhận về không hợp lệ'), ('integrity_mismatch', 'Tệp lưu trữ bị thay đổi hoặc mất (kiểm tra toàn vẹn)'), ('portal_integrity', 'Trang cổng thông tin bị thay đổi ngoài quy trình')], max_length=32, verbose_name='loại sự kiện'),
        ),
    ]
