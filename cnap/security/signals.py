"""Authentication decisions in the log (ASVS 7.2.1): logins, logouts, refused passwords; and the
login time for the absolute session lifetime."""

import logging
import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .client_ip import client_ip
from .middleware import LOGIN_AT_SESSION_KEY

logger = logging.getLogger("cnap.security")


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_SESSION_KEY] = int(time.time())
    logger.info("login user=%s ip=%s", user.pk, client_ip(request) if request is not None else None)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    logger.info("logout user=%s", getattr(user, "pk", None))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    logger.warning(
        "login refused username=%r ip=%s",
        str(credentials.get("username", ""))[:150],
        client_ip(request) if request is not None else None,
    )
