from django.urls import path

from healthaction.collection import views

app_name = "collection"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/autosave/", views.autosave, name="autosave"),
    path("items/<int:pk>/review/", views.review_item, name="review-item"),
    path("items/<int:pk>/reopen/", views.reopen_item, name="reopen-item"),
    path("review/", views.review_queue, name="review"),
    path("review/approve/", views.review_bulk, name="review-bulk"),
    path("excel/", views.excel_page, name="excel"),
    path("excel/template/", views.excel_template, name="excel-template"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("completeness/", views.completeness_page, name="completeness"),
    path("reminders/send/", views.send_reminders_now, name="send-reminders"),
]
