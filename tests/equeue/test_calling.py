"""«Call next»: out of turn first, then booked visits at their time, then first come; recall, no-show
after N calls, redirect, finish; a window serves only its groups and its office."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cnap.accounts.constants import Role
from equeue import actions
from equeue.constants import BookingStatus, TicketStatus
from equeue.models import Booking, PriorityCategory, Ticket
from equeue.selectors import estimate, ticket_waited
from tests.factories import OfficeFactory, UserFactory

from .factories import WindowFactory, at, make_hall

pytestmark = pytest.mark.django_db


def _call(hall, *, when, window=0):
    return actions.call_next(window=hall.windows[window], acting_user=hall.users[window], now=when)


def _done(hall, *, when, window=0):
    return actions.finish(window=hall.windows[window], acting_user=hall.users[window], now=when)


def test_out_of_turn_then_booked_at_their_time_then_first_come():
    hall = make_hall(groups=1, windows=1)
    group, office = hall.groups[0], hall.office
    veteran = PriorityCategory.objects.get(code="combatants")
    first = actions.issue_ticket(office=office, group=group, now=at(9))
    second = actions.issue_ticket(office=office, group=group, now=at(9, 5))
    booking = Booking.objects.create(
        office=office, group=group, starts_at=at(10), ends_at=at(10, 15), name="Запис", phone="+380501112233"
    )
    booked = actions.issue_ticket(office=office, group=group, booking=booking, now=at(9, 10))
    priority = actions.issue_ticket(office=office, group=group, priority=veteran, now=at(9, 20))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN and booked.booked_for == at(10)

    # 9:30: the booked time (10:00) has not come: the booked visitor waits in the order they came.
    order = []
    for minute in (30, 31):
        order.append(_call(hall, when=at(9, minute)))
        _done(hall, when=at(9, minute))
    assert order == [priority, first]
    # 9:56: from five minutes before their time, the booked visitor goes before the rest.
    assert _call(hall, when=at(9, 56)) == booked
    _done(hall, when=at(9, 57))
    assert _call(hall, when=at(9, 58)) == second
    _done(hall, when=at(9, 59))
    assert _call(hall, when=at(10)) is None


def test_a_window_calls_only_its_groups_and_a_directed_ticket_only_at_its_window():
    hall = make_hall(groups=2, windows=2)
    a, b = hall.groups
    hall.windows[0].groups.set([a])
    hall.windows[1].groups.set([a, b])
    in_b = actions.issue_ticket(office=hall.office, group=b, now=at(9))
    assert _call(hall, when=at(9, 1), window=0) is None
    assert _call(hall, when=at(9, 1), window=1) == in_b


def test_a_busy_window_must_finish_first_and_an_empty_window_says_so():
    hall = make_hall(groups=1, windows=2)
    actions.issue_ticket(office=hall.office, group=hall.groups[0], now=at(9))
    actions.issue_ticket(office=hall.office, group=hall.groups[0], now=at(9, 1))
    called = _call(hall, when=at(9, 2))
    with pytest.raises(ValidationError) as busy:
        _call(hall, when=at(9, 3))
    assert called.code in busy.value.messages[0]
    hall.windows[1].groups.clear()
    with pytest.raises(ValidationError) as empty:
        _call(hall, when=at(9, 3), window=1)
    assert empty.value.code == "no_groups"
    assert "service group" in empty.value.messages[0] or "груп" in empty.value.messages[0]


def test_recall_then_no_show_after_the_groups_number_of_calls():
    hall = make_hall(groups=1, windows=1)
    group = hall.groups[0]
    group.calls_before_no_show = 2
    group.save()
    actions.issue_ticket(office=hall.office, group=group, now=at(9))
    window, user = hall.windows[0], hall.user
    ticket = actions.call_next(window=window, acting_user=user, now=at(9, 1))
    with pytest.raises(ValidationError) as early:
        actions.mark_no_show(window=window, acting_user=user, now=at(9, 2))
    assert early.value.code == "too_early"
    again = actions.recall(window=window, acting_user=user, now=at(9, 3))
    assert (again.call_count, again.last_called_at, again.called_at) == (2, at(9, 3), at(9, 1))
    gone = actions.mark_no_show(window=window, acting_user=user, now=at(9, 4))
    assert gone.pk == ticket.pk and gone.status == TicketStatus.NO_SHOW
    assert gone.history.first().history_user == user


def test_redirect_keeps_the_number_and_the_place_in_time():
    hall = make_hall(groups=2, windows=2)
    a, b = hall.groups
    hall.windows[0].groups.set([a])
    hall.windows[1].groups.set([b])
    ticket = actions.issue_ticket(office=hall.office, group=a, now=at(9))
    later_in_b = actions.issue_ticket(office=hall.office, group=b, now=at(9, 10))
    _call(hall, when=at(9, 20))
    actions.start_service(window=hall.windows[0], acting_user=hall.user, now=at(9, 21))
    moved = actions.redirect(window=hall.windows[0], acting_user=hall.user, to_group=b, now=at(9, 25))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REDIRECTED and ticket.finished_at == at(9, 25)
    assert (moved.code, moved.group, moved.queued_at, moved.redirected_from) == ("А-001", b, at(9), ticket)
    # It keeps its first place in time: called before the visitor who came to B at 9:10.
    assert _call(hall, when=at(9, 30), window=1) == moved
    assert later_in_b.status == TicketStatus.WAITING
    assert ticket_waited(Ticket.objects.get(pk=moved.pk)) == dt.timedelta(minutes=20)


def test_redirect_to_a_window_is_called_only_there():
    hall = make_hall(groups=1, windows=3)
    actions.issue_ticket(office=hall.office, group=hall.groups[0], now=at(9))
    _call(hall, when=at(9, 1))
    moved = actions.redirect(window=hall.windows[0], acting_user=hall.user, to_window=hall.windows[2], now=at(9, 2))
    assert moved.for_window == hall.windows[2]
    assert _call(hall, when=at(9, 3), window=1) is None
    assert _call(hall, when=at(9, 3), window=2) == moved
    with pytest.raises(ValidationError):
        actions.redirect(window=hall.windows[2], acting_user=hall.users[2], now=at(9, 4))


def test_staff_of_another_office_and_read_only_roles_cannot_work_the_window():
    hall = make_hall(groups=1, windows=1)
    actions.issue_ticket(office=hall.office, group=hall.groups[0], now=at(9))
    stranger = UserFactory(role=Role.ADMINISTRATOR, office=OfficeFactory(hromada=hall.office.hromada))
    community_head = UserFactory(role=Role.COMMUNITY_HEAD, office=None, hromada=hall.office.hromada)
    for user in (stranger, community_head):
        with pytest.raises(PermissionDenied):
            actions.call_next(window=hall.windows[0], acting_user=user, now=at(9, 1))
    head = UserFactory(role=Role.CNAP_HEAD, office=OfficeFactory(hromada=hall.office.hromada))
    assert actions.call_next(window=hall.windows[0], acting_user=head, now=at(9, 1)) is not None


def test_the_estimate_counts_those_ahead_over_the_open_windows():
    hall = make_hall(groups=1, windows=2)
    group = hall.groups[0]
    tickets = [actions.issue_ticket(office=hall.office, group=group, now=at(9, i)) for i in range(5)]
    last = estimate(tickets[-1])
    assert (last.ahead, last.minutes) == (4, 20)  # 4 people × 10 min over 2 open windows
    priority = actions.issue_ticket(
        office=hall.office, group=group, priority=PriorityCategory.objects.first(), now=at(9, 10)
    )
    assert estimate(priority).ahead == 0
    assert estimate(tickets[0]).ahead == 1  # the priority visitor goes first
    WindowFactory(office=hall.office, is_open=False, groups=[group])
    hall.windows[1].is_open = False
    hall.windows[1].save()
    assert estimate(tickets[-1]).minutes == 50


def test_the_night_closes_the_tickets_left_open():
    hall = make_hall(groups=1, windows=1)
    group = hall.groups[0]
    waiting, called, serving = (actions.issue_ticket(office=hall.office, group=group, now=at(9, i)) for i in range(3))
    Ticket.objects.filter(pk=called.pk).update(status=TicketStatus.CALLED)
    Ticket.objects.filter(pk=serving.pk).update(status=TicketStatus.SERVING)
    today = actions.issue_ticket(office=hall.office, group=group, now=at(9, day=dt.date(2026, 12, 1)))
    assert actions.close_past_days(today=dt.date(2026, 12, 1)) == 3
    assert actions.close_past_days(today=dt.date(2026, 12, 1)) == 0
    statuses = dict(Ticket.objects.values_list("pk", "status"))
    assert statuses == {
        waiting.pk: TicketStatus.CANCELLED,
        called.pk: TicketStatus.NO_SHOW,
        serving.pk: TicketStatus.DONE,
        today.pk: TicketStatus.WAITING,
    }
