"""allauth's sign-up form with Vietnamese labels (``ACCOUNT_FORMS["signup"]``).

Kept apart from ``forms.py``: allauth's form module imports ``forms.SignupExtraForm`` (the
``ACCOUNT_SIGNUP_FORM_CLASS``) while it loads, so this subclass cannot live there.
"""

from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm

LABELS = {
    "email": "Thư điện tử",
    "username": "Tên đăng nhập",
    "password1": "Mật khẩu",
    "password2": "Nhập lại mật khẩu",
}


class SignupForm(AllauthSignupForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in LABELS.items():
            if name in self.fields:
                self.fields[name].label = label
                self.fields[name].widget.attrs.pop("placeholder", None)
