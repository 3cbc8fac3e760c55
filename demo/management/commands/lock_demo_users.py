from django.core.management.base import BaseCommand

from demo.staff import lock_demo_users


class Command(BaseCommand):
    help = (
        "Locks every demo user that still has the published demo password (it can no longer log in); "
        "give one a new password with `manage.py changepassword <name>`."
    )

    def handle(self, *args, **options):
        names = lock_demo_users()
        if names:
            self.stdout.write(self.style.SUCCESS(f"Locked {len(names)} demo users: {', '.join(names)}"))
        else:
            self.stdout.write("No demo user has the published password.")
