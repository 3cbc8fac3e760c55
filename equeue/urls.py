from django.urls import path

from . import views, views_booking

app_name = "equeue"

urlpatterns = [
    path("settings/", views.settings_page, name="settings"),
    path("settings/groups/new/", views.group_edit, name="group_new"),
    path("settings/groups/<int:group_id>/", views.group_edit, name="group_edit"),
    path("settings/windows/new/", views.window_edit, name="window_new"),
    path("settings/windows/<int:window_id>/", views.window_edit, name="window_edit"),
    path("settings/offices/<int:office_id>/hours/", views.hours_edit, name="hours_edit"),
    path("windows/", views.windows, name="windows"),
    path("windows/<int:window_id>/", views.window, name="window"),
    path("windows/<int:window_id>/act/", views.window_act, name="window_act"),
    path("<str:office_code>/kiosk/", views.kiosk, name="kiosk"),
    path("<str:office_code>/kiosk/ticket/<str:token>/", views.kiosk_ticket, name="kiosk_ticket"),
    path("<str:office_code>/kiosk/ticket/<str:token>/pdf/", views.ticket_pdf, name="ticket_pdf"),
    path("<str:office_code>/board/", views.board, name="board"),
    path("<str:office_code>/board/feed/", views.board_feed, name="board_feed"),
    # Booked visits: the public booking page, its confirmation, the cancel link, the kiosk's code entry.
    path("<str:office_code>/book/", views_booking.book, name="book"),
    path("<str:office_code>/book/<str:token>/", views_booking.booking_done, name="booking_done"),
    path("bookings/", views_booking.bookings, name="bookings"),
    path("bookings/<int:booking_id>/cancel/", views_booking.booking_staff_cancel, name="booking_staff_cancel"),
    path("booking/<str:token>/cancel/", views_booking.booking_cancel, name="booking_cancel"),
    path("<str:office_code>/kiosk/booked/", views_booking.kiosk_check_in, name="kiosk_check_in"),
]
