from django.contrib.auth import views as auth_views
from django.urls import path

from . import two_factor
from .forms import StaffAuthenticationForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=StaffAuthenticationForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # The second factor (cnap/accounts/two_factor.py).
    path("2fa/setup/", two_factor.setup, name="two_factor_setup"),
    path("2fa/verify/", two_factor.verify, name="two_factor_verify"),
    path("2fa/backup-codes/", two_factor.backup_codes, name="two_factor_backup_codes"),
]
