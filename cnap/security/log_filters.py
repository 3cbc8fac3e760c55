"""A logging filter that keeps tax numbers, tokens and passwords out of every log record (ASVS 7.1.1,
7.1.2). Attached to the root console handler in settings.LOGGING."""

import logging
import re

# A 10-digit РНОКПП (or any 10-digit run that looks like one) not inside a longer number.
TAX_NUMBER = re.compile(r"(?<!\d)(\d{2})\d{6}(\d{2})(?!\d)")
# "token=…", "password: …", "Authorization: Token …", "secret=…", "otp_token=…" and the like.
SECRET_VALUE = re.compile(
    r"(?i)\b(password|passwd|secret|token|otp_token|api[_-]?key|authorization|sessionid|csrftoken)"
    r"(\"?\s*[:=]\s*\"?|\s+)"
    r"((?:token|bearer|basic)\s+)?"
    r"([^\s\"',;&]+)"
)


def mask_text(text: str) -> str:
    """«1234567890» → «12******90»; «token=abc…» → «token=***»."""
    text = TAX_NUMBER.sub(r"\1******\2", text)
    return SECRET_VALUE.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3) or ''}***", text)


class MaskPersonalData(logging.Filter):
    """Rewrites the record's message (arguments merged in) with tax numbers and secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is still logged, as is
            return True
        # one record, one line: a CR or LF in user input cannot forge another record (ASVS 7.3.1)
        masked = mask_text(message).replace("\r", "\\r").replace("\n", "\\n")
        if masked != message:
            record.msg = masked
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        return True
