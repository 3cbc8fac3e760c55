from django.utils import timezone

from .models import WorkerHeartbeat


def record_worker_heartbeat(*, hostname: str, name: str = "worker") -> WorkerHeartbeat:
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"hostname": hostname[:255], "seen_at": timezone.now()}
    )
    return heartbeat
