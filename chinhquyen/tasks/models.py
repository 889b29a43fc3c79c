"""Directives (chỉ đạo) and the tasks they yield (nhiệm vụ), after QĐ 42/2014 + QĐ 23/2018.

A ``Directive`` records where the order came from (an incoming or outgoing document, a meeting
conclusion, a leader's written instruction). Each ``Task`` has a lead unit (chủ trì),
coordinating units (phối hợp), a deadline — a date, N working days on the legal calendar, or
"thường xuyên" (recurring reports per month/quarter/year) — a priority and a confidentiality
flag (a confidential task is seen only by the people named on it). Units delegate down their
own subtree as sub-tasks (``parent``). ``TaskEvent`` is the append-only history.

Dates: ``deadline`` is the date the assigner set (or computed from working days); ``due`` is
the legal due date — the deadline moved to the next working day when it falls on a day off —
and moves with an accepted extension; ``original_due`` never moves. Statistics read ``due`` or
``original_due`` according to ``settings.TASKS_EXTENSION_COUNTS``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class SourceKind(models.TextChoices):
    DOCUMENT = "document", "Văn bản chỉ đạo"
    MEETING = "meeting", "Thông báo kết luận cuộc họp"
    INSTRUCTION = "instruction", "Ý kiến chỉ đạo bằng văn bản của lãnh đạo"


class Directive(models.Model):
    title = models.CharField("trích yếu chỉ đạo", max_length=500)
    source_kind = models.CharField("nguồn", max_length=12, choices=SourceKind.choices)
    incoming = models.ForeignKey(
        "documents.IncomingDocument",
        verbose_name="văn bản đến",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directives",
    )
    outgoing = models.ForeignKey(
        "documents.OutgoingDocument",
        verbose_name="văn bản đi",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directives",
    )
    source_reference = models.CharField(
        "số, ký hiệu/ngày nguồn", max_length=255, blank=True, help_text="Ví dụ: TB 12/TB-UBND."
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="cơ quan giao",
        on_delete=models.PROTECT,
        related_name="directives",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="lãnh đạo chỉ đạo",
        on_delete=models.PROTECT,
        related_name="directives_issued",
    )
    issued_on = models.DateField("ngày chỉ đạo", default=timezone.localdate)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "chỉ đạo"
        verbose_name_plural = "chỉ đạo"
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class DeadlineKind(models.TextChoices):
    DATE = "date", "Đến ngày"
    WORKING_DAYS = "working_days", "Số ngày làm việc"
    RECURRING = "recurring", "Thường xuyên"


class Recurrence(models.TextChoices):
    MONTHLY = "monthly", "Hằng tháng"
    QUARTERLY = "quarterly", "Hằng quý"
    YEARLY = "yearly", "Hằng năm"


class Priority(models.TextChoices):
    NORMAL = "normal", "Bình thường"
    HIGH = "high", "Quan trọng"
    URGENT = "urgent", "Khẩn"


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", "Mới giao"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    SUBMITTED = "submitted", "Chờ xác nhận hoàn thành"
    COMPLETED = "completed", "Đã hoàn thành"
    CANCELLED = "cancelled", "Đã hủy"


OPEN_STATUSES = (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED)


class Category(models.TextChoices):
    """The four status categories of DOMAIN.md §13 (QĐ 42/2014)."""

    DONE_ON_TIME = "done_on_time", "Hoàn thành đúng hạn"
    DONE_LATE = "done_late", "Hoàn thành quá hạn"
    OPEN_IN_TIME = "open_in_time", "Chưa hoàn thành trong hạn"
    OPEN_OVERDUE = "open_overdue", "Chưa hoàn thành quá hạn"


class Task(models.Model):
    directive = models.ForeignKey(
        Directive, verbose_name="chỉ đạo", on_delete=models.CASCADE, related_name="tasks"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="nhiệm vụ cấp trên",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    content = models.TextField("nội dung nhiệm vụ")
    assigner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người giao",
        on_delete=models.PROTECT,
        related_name="tasks_assigned",
    )
    assigner_unit = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="đơn vị giao",
        on_delete=models.PROTECT,
        related_name="tasks_given",
    )
    lead_unit = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="đơn vị chủ trì",
        on_delete=models.PROTECT,
        related_name="tasks_led",
    )
    coordinating_units = models.ManyToManyField(
        "orgs.Organisation",
        verbose_name="đơn vị phối hợp",
        blank=True,
        related_name="tasks_coordinated",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="chuyên viên thực hiện",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks_to_do",
    )
    deadline_kind = models.CharField(
        "loại thời hạn", max_length=12, choices=DeadlineKind.choices, default=DeadlineKind.DATE
    )
    working_days = models.PositiveSmallIntegerField("số ngày làm việc", null=True, blank=True)
    recurrence = models.CharField(
        "chu kỳ báo cáo", max_length=10, choices=Recurrence.choices, blank=True
    )
    deadline = models.DateField("thời hạn", null=True, blank=True)
    due = models.DateField("hạn tính theo lịch làm việc", null=True, blank=True)
    original_due = models.DateField("hạn ban đầu", null=True, blank=True)
    priority = models.CharField(
        "mức độ", max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    confidential = models.BooleanField("mật (chỉ người có tên được xem)", default=False)
    named_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="người được xem (nhiệm vụ mật)",
        blank=True,
        related_name="confidential_tasks",
    )
    status = models.CharField(
        "trạng thái", max_length=12, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED
    )
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    completed_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    completion_submitted_at = models.DateTimeField(null=True, blank=True)
    evidence_outgoing = models.ForeignKey(
        "documents.OutgoingDocument",
        verbose_name="văn bản báo cáo kết quả",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task_evidence",
    )
    evidence_report = models.ForeignKey(
        "TaskReport",
        verbose_name="báo cáo kết quả",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "nhiệm vụ"
        verbose_name_plural = "nhiệm vụ"
        ordering = ["due", "pk"]
        indexes = [
            models.Index(fields=["lead_unit", "status"], name="tasks_lead_status"),
            models.Index(fields=["assigner_unit", "due"], name="tasks_assigner_unit_due"),
            models.Index(fields=["status", "due"], name="tasks_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="tasks_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=~Q(deadline_kind="recurring") | ~Q(recurrence=""),
                name="tasks_recurring_has_period",
            ),
        ]

    def __str__(self) -> str:
        return self.content[:80]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class TaskEvent(models.Model):
    """Append-only history: who did what, when, from which status to which, and why."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("thao tác", max_length=24)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "lịch sử nhiệm vụ"
        verbose_name_plural = "lịch sử nhiệm vụ"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} @ {self.at:%d/%m/%Y %H:%M}"


class TaskReport(models.Model):
    """A progress report (báo cáo tiến độ); ``period_end`` marks the period of a recurring task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="task_reports"
    )
    percent = models.PositiveSmallIntegerField("tiến độ (%)")
    text = models.TextField("nội dung báo cáo")
    period_end = models.DateField("kỳ báo cáo (ngày cuối kỳ)", null=True, blank=True)
    reported_on = models.DateField("ngày báo cáo", default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "báo cáo tiến độ"
        verbose_name_plural = "báo cáo tiến độ"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__lte=100), name="tasks_report_percent_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.percent}% — {self.reported_on:%d/%m/%Y}"


def report_file_path(instance: TaskReportFile, filename: str) -> str:
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower()[:10] if "." in filename else "bin"
    return f"tasks/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class TaskReportFile(models.Model):
    report = models.ForeignKey(TaskReport, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("tệp", upload_to=report_file_path, max_length=255)
    name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "Chờ quyết định"
    ACCEPTED = "accepted", "Đồng ý gia hạn"
    REFUSED = "refused", "Không đồng ý"


class ExtensionRequest(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_deadline = models.DateField("đề nghị gia hạn đến")
    reason = models.TextField("lý do")
    status = models.CharField(
        max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    new_deadline = models.DateField("gia hạn đến", null=True, blank=True)
    decision_note = models.TextField("ý kiến", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "đề nghị gia hạn"
        verbose_name_plural = "đề nghị gia hạn"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(status="pending"),
                name="tasks_one_pending_extension",
                violation_error_message="Nhiệm vụ đã có một đề nghị gia hạn đang chờ.",
            ),
        ]

    def __str__(self) -> str:
        return f"Gia hạn đến {self.requested_deadline:%d/%m/%Y}"


class ReminderWhen(models.TextChoices):
    BEFORE = "before", "Trước hạn"
    AT = "at", "Đúng hạn"
    AFTER = "after", "Sau hạn (báo cáo lên người giao, lãnh đạo đơn vị)"


class ReminderRule(models.Model):
    """A reminder rule (nhắc việc) as data: when, how many working days, through which channel.

    ``before``/``at`` rules remind the people doing the work; ``after`` rules escalate to the
    assigner and the heads of the lead unit, ``working_days`` after the due date.
    """

    name = models.CharField("tên quy tắc", max_length=150)
    when = models.CharField("thời điểm", max_length=8, choices=ReminderWhen.choices)
    working_days = models.PositiveSmallIntegerField("số ngày làm việc", default=0)
    channel = models.CharField("kênh", max_length=10, default="email")
    active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "quy tắc nhắc việc"
        verbose_name_plural = "quy tắc nhắc việc"
        ordering = ["when", "working_days"]

    def __str__(self) -> str:
        return self.name


# --- work calendars (lịch công tác tuần) and meetings ----------------------------------------


class EventStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    SUBMITTED = "submitted", "Chờ lãnh đạo duyệt"
    APPROVED = "approved", "Đã duyệt, chờ công bố"
    PUBLISHED = "published", "Đã công bố"
    CANCELLED = "cancelled", "Đã hủy"


class EventRecurrence(models.TextChoices):
    NONE = "", "Không lặp lại"
    WEEKLY = "weekly", "Hằng tuần"
    MONTHLY = "monthly", "Hằng tháng"


class CalendarEvent(models.Model):
    """One entry of an organisation's weekly work calendar; an online meeting when ``online``.

    Drafted by the office, approved by a leader, published; a change after publishing is
    recorded in ``CalendarEventChange`` and re-published at once with ``sequence`` + 1 (the
    iCalendar SEQUENCE)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="lịch của cơ quan, đơn vị",
        on_delete=models.PROTECT,
        related_name="calendar_events",
    )
    title = models.CharField("nội dung", max_length=500)
    start = models.DateTimeField("bắt đầu")
    end = models.DateTimeField("kết thúc")
    place = models.CharField("địa điểm", max_length=255, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="chủ trì",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calendar_events_chaired",
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="thành phần (cá nhân)",
        blank=True,
        related_name="calendar_events",
    )
    participant_units = models.ManyToManyField(
        "orgs.Organisation",
        verbose_name="thành phần (đơn vị)",
        blank=True,
        related_name="calendar_events_invited",
    )
    preparing_unit = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="đơn vị chuẩn bị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calendar_events_prepared",
    )
    incoming_documents = models.ManyToManyField(
        "documents.IncomingDocument", verbose_name="văn bản đến liên quan", blank=True
    )
    outgoing_documents = models.ManyToManyField(
        "documents.OutgoingDocument", verbose_name="văn bản đi liên quan", blank=True
    )
    notes = models.TextField("ghi chú", blank=True)
    online = models.BooleanField("họp trực tuyến", default=False)
    room = models.CharField("phòng họp trực tuyến", max_length=80, blank=True)
    status = models.CharField(
        "trạng thái", max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    sequence = models.PositiveIntegerField("lần điều chỉnh", default=0)
    # A recurring event (RFC 5545 RRULE FREQ=WEEKLY/MONTHLY, interval 1): the first occurrence
    # is start–end, the series ends on a date (inclusive) or after a number of occurrences.
    # Monthly keeps the day of the month and skips months without it (the 31st), as RFC 5545.
    recurrence = models.CharField(
        "lặp lại", max_length=8, choices=EventRecurrence.choices, blank=True, default=""
    )
    recurrence_until = models.DateField("lặp đến ngày", null=True, blank=True)
    recurrence_count = models.PositiveSmallIntegerField("số buổi", null=True, blank=True)
    published_at = models.DateTimeField("công bố lúc", null=True, blank=True)
    conclusion = models.ForeignKey(
        "documents.OutgoingDocument",
        verbose_name="thông báo kết luận",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="concluded_events",
    )
    conclusion_directive = models.ForeignKey(
        Directive,
        verbose_name="chỉ đạo theo kết luận",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "sự kiện lịch công tác"
        verbose_name_plural = "lịch công tác"
        ordering = ["start", "pk"]
        indexes = [
            models.Index(fields=["organisation", "status", "start"], name="tasks_event_org_start")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="tasks_event_ends"),
            models.CheckConstraint(
                condition=(
                    Q(recurrence="", recurrence_until__isnull=True, recurrence_count__isnull=True)
                    | Q(
                        recurrence__in=["weekly", "monthly"],
                        recurrence_until__isnull=False,
                        recurrence_count__isnull=True,
                    )
                    | Q(
                        recurrence__in=["weekly", "monthly"],
                        recurrence_until__isnull=True,
                        recurrence_count__gte=1,
                    )
                ),
                name="tasks_event_recurrence_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title[:80]


class CalendarEventException(models.Model):
    """One occurrence of a recurring event cancelled or moved (RFC 5545 EXDATE / RECURRENCE-ID).

    ``original_start`` is the occurrence's start in the series; a moved occurrence keeps it as
    its identity and takes ``start``–``end``; a cancelled one has neither."""

    event = models.ForeignKey(CalendarEvent, on_delete=models.CASCADE, related_name="exceptions")
    original_start = models.DateTimeField("buổi theo lịch gốc")
    cancelled = models.BooleanField("hủy buổi này", default=False)
    start = models.DateTimeField("bắt đầu mới", null=True, blank=True)
    end = models.DateTimeField("kết thúc mới", null=True, blank=True)
    note = models.TextField("lý do", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "buổi điều chỉnh của lịch định kỳ"
        verbose_name_plural = "buổi điều chỉnh của lịch định kỳ"
        ordering = ["event", "original_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "original_start"], name="tasks_event_exception_once"
            ),
            models.CheckConstraint(
                condition=(
                    Q(cancelled=True, start__isnull=True, end__isnull=True)
                    | Q(cancelled=False, start__isnull=False, end__gt=models.F("start"))
                ),
                name="tasks_event_exception_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} @ {self.original_start:%d/%m/%Y %H:%M}"


class CalendarEventChange(models.Model):
    """Append-only history of an event: who, when, from which status to which, what changed."""

    event = models.ForeignKey(CalendarEvent, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField("thao tác", max_length=24)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "lịch sử lịch công tác"
        verbose_name_plural = "lịch sử lịch công tác"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} @ {self.at:%d/%m/%Y %H:%M}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Có mặt"
    ABSENT = "absent", "Vắng mặt"
    EXCUSED = "excused", "Vắng có lý do"


class Attendance(models.Model):
    event = models.ForeignKey(CalendarEvent, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("điểm danh", max_length=8, choices=AttendanceStatus.choices)
    note = models.CharField("ghi chú", max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "điểm danh cuộc họp"
        verbose_name_plural = "điểm danh cuộc họp"
        ordering = ["event", "user"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="tasks_attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_status_display()}"
