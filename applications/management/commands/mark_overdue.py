import datetime as dt

from django.core.management.base import BaseCommand

from applications.actions.deadlines import mark_overdue, send_deadline_notices


class Command(BaseCommand):
    help = "Mark overdue cases, list those due within 3 working days and e-mail the staff (the daily job)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=dt.date.fromisoformat, help="Run as on this day (YYYY-MM-DD).")
        parser.add_argument("--no-mail", action="store_true", help="Do not send the e-mails.")

    def handle(self, *args, today=None, no_mail=False, **options):
        report = mark_overdue(today=today)
        sent = 0 if no_mail else send_deadline_notices(report=report, once_a_day=False)
        self.stdout.write(
            f"{report.today:%d.%m.%Y}: {len(report.newly_overdue)} newly overdue, {len(report.overdue)} overdue, "
            f"{len(report.due_soon)} due within 3 working days, {len(report.cleared)} cleared; {sent} e-mails sent."
        )
