from django.urls import path

from . import views

app_name = "services"

urlpatterns = [
    path("", views.catalog_list, name="list"),
    path("new/", views.service_create, name="create"),
    path("<int:pk>/", views.service_detail, name="detail"),
    path("<int:pk>/settings/", views.service_settings, name="settings"),
    path("<int:pk>/copy/", views.service_copy, name="copy"),
    path("<int:pk>/draft/new/", views.draft_start, name="draft_start"),
    path("<int:pk>/draft/", views.draft_edit, name="draft_edit"),
    path("<int:pk>/draft/publish/", views.publish, name="publish"),
    path("<int:pk>/draft/discard/", views.draft_discard, name="draft_discard"),
    path("<int:pk>/info-card.pdf", views.info_card_pdf, name="info_card_pdf"),
    path("<int:pk>/tech-card.pdf", views.tech_card_pdf, name="tech_card_pdf"),
]
