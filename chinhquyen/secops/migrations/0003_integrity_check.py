"""The periodic integrity check of stored files, and the alert rule it feeds (data)."""

from django.db import migrations, models


RULE = (
    "Tệp lưu trữ bị thay đổi hoặc mất",
    "integrity_mismatch",
    1,
    3600,
    "user",
    "critical",
)


def seed(apps, schema_editor):
    name, kind, threshold, window, group_by, severity = RULE
    apps.get_model("secops", "AlertRule").objects.get_or_create(
        name=name,
        defaults={
            "kind": kind,
            "threshold": threshold,
            "window_seconds": window,
            "group_by": group_by,
            "severity": severity,
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("secops", "AlertRule").objects.filter(name=RULE[0]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('secops', '0002_seed_rules_and_templates'),
    ]

    operations = [
        migrations.CreateModel(
            name='IntegrityCheck',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('started_at', models.DateTimeField(verbose_name='bắt đầu')),
                ('finished_at', models.DateTimeField(db_index=True, verbose_name='kết thúc')),
                ('pass_started_at', models.DateTimeField(verbose_name='lượt kiểm tra bắt đầu')),
                ('files_checked', models.PositiveIntegerField(verbose_name='số tệp đã kiểm tra')),
                ('failures', models.PositiveIntegerField(verbose_name='số tệp sai lệch')),
                ('findings', models.JSONField(blank=True, default=list, verbose_name='sai lệch phát hiện')),
                ('cursor', models.JSONField(blank=True, default=dict, verbose_name='vị trí dừng')),
                ('pass_completed', models.BooleanField(default=False, verbose_name='hoàn thành một lượt')),
            ],
            options={
                'verbose_name': 'lần kiểm tra toàn vẹn',
                'verbose_name_plural': 'các lần kiểm tra toàn vẹn',
                'ordering': ['-finished_at', '-id'],
            },
        ),
        migrations.AlterField(
            model_name='alert',
            name='kind',
            field=models.CharField(choices=[('login_succeeded', 'Đăng nhập thành công'), ('login_failed', 'Đăng nhập thất bại'), ('lockout', 'Khóa tài khoản do đăng nhập sai nhiều lần'), ('logout', 'Đăng xuất'), ('permission_denied', 'Từ chối truy cập'), ('token_rejected', 'Từ chối khóa API/phiên xác thực'), ('mfa_failed', 'Xác thực hai lớp thất bại'), ('rate_limited', 'Vượt giới hạn số lần yêu cầu'), ('mfa_changed', 'Thay đổi xác thực hai lớp'), ('privilege_changed', 'Thay đổi quyền, chức vụ'), ('mass_export', 'Xuất dữ liệu hàng loạt'), ('unusual_lookup', 'Tra cứu bất thường (bị khóa)'), ('signature_failed', 'Chữ ký số trên tệp nhận về không hợp lệ'), ('integrity_mismatch', 'Tệp lưu trữ bị thay đổi hoặc mất (kiểm tra toàn vẹn)')], max_length=32, verbose_name='loại sự kiện'),
        ),
        migrations.AlterField(
            model_name='alertrule',
            name='kind',
            field=models.CharField(choices=[('login_succeeded', 'Đăng nhập thành công'), ('login_failed', 'Đăng nhập thất bại'), ('lockout', 'Khóa tài khoản do đăng nhập sai nhiều lần'), ('logout', 'Đăng xuất'), ('permission_denied', 'Từ chối truy cập'), ('token_rejected', 'Từ chối khóa API/phiên xác thực'), ('mfa_failed', 'Xác thực hai lớp thất bại'), ('rate_limited', 'Vượt giới hạn số lần yêu cầu'), ('mfa_changed', 'Thay đổi xác thực hai lớp'), ('privilege_changed', 'Thay đổi quyền, chức vụ'), ('mass_export', 'Xuất dữ liệu hàng loạt'), ('unusual_lookup', 'Tra cứu bất thường (bị khóa)'), ('signature_failed', 'Chữ ký số trên tệp nhận về không hợp lệ'), ('integrity_mismatch', 'Tệp lưu trữ bị thay đổi hoặc mất (kiểm tra toàn vẹn)')], max_length=32, verbose_name='loại sự kiện'),
        ),
        migrations.RunPython(seed, unseed),
    ]
