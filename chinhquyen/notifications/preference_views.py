"""The official's "Cài đặt nhắc việc" page: channels, the daily digest and quiet hours.

Officials only (anonymous: the sign-in page; citizens: 403), and only their own preference:
the page has no id in its URL. Saved through ``preferences.notification_preference_save``
(audited).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from chinhquyen.accounts.models import User
from chinhquyen.accounts.permissions import is_official
from chinhquyen.core.api import DomainError

from .forms import ReminderPreferenceForm
from .preferences import PREFERENCE_KINDS, notification_preference_save, preference_for

SAVED_MESSAGE = "Đã lưu cài đặt nhắc việc."
FIELDS = ("email_enabled", "sms_enabled", "digest_enabled", "quiet_start", "quiet_end")


@require_http_methods(["GET", "POST"])
def reminder_settings(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user
    if not isinstance(user, User) or not is_official(user):
        raise PermissionDenied("Chức năng dành cho cán bộ, công chức.")
    pref = preference_for(user)
    if request.method == "POST":
        form = ReminderPreferenceForm(request.POST, user=user)
        if form.is_valid():
            try:
                notification_preference_save(actor=user, user=user, values=form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, str(exc.detail))
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in FIELDS else None, error)
            else:
                messages.success(request, SAVED_MESSAGE)
                return redirect("notifications:preferences")
    else:
        form = ReminderPreferenceForm(
            initial={name: getattr(pref, name) for name in FIELDS}, user=user
        )
    return render(
        request,
        "notifications/reminder_settings.html",
        {
            "form": form,
            "pref": pref,
            "kinds": len(PREFERENCE_KINDS),
            "has_phone": bool((user.phone or "").strip()),
            "has_email": bool((user.email or "").strip()),
        },
    )
