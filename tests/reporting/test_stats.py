import datetime as dt
import io

from django.core.management import call_command

from applications.constants import ApplicationStatus as S
from reporting import stats
from reporting.models import DailyStats, MonthlyStats, OpenStats
from tests.reporting.stats_helpers import moved, registered

D = dt.date


def test_events_on_local_days_and_the_rebuild_command(db):
    # 23:30 in Kyiv on 31 March is 20:30 UTC: the registration counts on 31 March (and in March).
    app = registered(on=D(2026, 3, 31), due=D(2026, 4, 3), fee="12.50", hour=23)
    row = DailyStats.objects.get()
    assert (row.date, row.registered, row.fees) == (D(2026, 3, 31), 1, 12.5)
    assert MonthlyStats.objects.get().month == D(2026, 3, 1)
    assert OpenStats.objects.get().due_date == D(2026, 4, 3)
    moved(app, S.SENT_TO_PROVIDER, on=D(2026, 4, 1))
    moved(app, S.SUSPENDED, on=D(2026, 4, 2))
    assert {(r.status, r.due_date, r.count) for r in OpenStats.objects.all()} == {
        (S.REGISTERED, D(2026, 4, 3), 0),
        (S.SENT_TO_PROVIDER, D(2026, 4, 3), 0),
        (S.SUSPENDED, stats.NO_DEADLINE, 1),
    }
    expected = stats.normalized(stats.stats_snapshot())
    DailyStats.objects.update(registered=99)  # drift, e.g. a write that bypassed the actions
    OpenStats.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_stats", stdout=out)
    assert "1 daily rows, 1 monthly rows, 1 open-case rows" in out.getvalue()
    assert stats.normalized(stats.stats_snapshot()) == expected
