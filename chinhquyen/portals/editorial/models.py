"""Fingerprints of the published portal pages (anti-defacement, issue #14 item 4).

One row per live page: what the page looked like when its current revision went live through
the workflow. :mod:`chinhquyen.portals.editorial.integrity` writes and compares them.
"""

from __future__ import annotations

from django.db import models


class CheckStatus(models.TextChoices):
    OK = "ok", "Khớp"
    MISMATCH = "mismatch", "Sai khác"
    ERROR = "error", "Không kiểm tra được"


class PageFingerprint(models.Model):
    page = models.OneToOneField(
        "wagtailcore.Page",
        verbose_name="trang",
        on_delete=models.CASCADE,
        related_name="+",
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name="phiên bản đã duyệt",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    host = models.CharField("tên miền", max_length=255)
    path = models.CharField("đường dẫn", max_length=1000)
    # canonical JSON of the page's fields in the database, when the revision went live
    content_sha256 = models.CharField("mã băm nội dung", max_length=64)
    # the public HTML fetched through the HTTP stack (live listings cut out), and the
    # generation of the site's publishing it was taken at (any publish re-takes it)
    html_sha256 = models.CharField("mã băm HTML", max_length=64, blank=True)
    generation = models.CharField("thế hệ xuất bản", max_length=40, blank=True)
    # storage name of each referenced file (image, rendition, document) -> SHA-256
    files = models.JSONField("tệp tham chiếu", default=dict, blank=True)
    taken_at = models.DateTimeField("lấy dấu lúc")
    checked_at = models.DateTimeField("kiểm tra lúc", null=True, blank=True)
    status = models.CharField(
        "kết quả", max_length=10, choices=CheckStatus.choices, default=CheckStatus.OK
    )
    problems = models.JSONField("sai khác", default=list, blank=True)

    class Meta:
        verbose_name = "dấu vân tay trang cổng"
        verbose_name_plural = "dấu vân tay trang cổng"

    def __str__(self) -> str:
        return f"{self.host}{self.path}"
