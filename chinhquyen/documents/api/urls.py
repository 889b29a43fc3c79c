from django.urls import path

from . import views

app_name = "documents_api"
urlpatterns = [
    path("documents/types/", views.DocumentTypesView.as_view(), name="types"),
    path("documents/incoming/", views.IncomingListView.as_view(), name="incoming-list"),
    path(
        "documents/incoming/<int:pk>/",
        views.IncomingDetailView.as_view(),
        name="incoming-detail",
    ),
    path(
        "documents/incoming/<int:pk>/accept/",
        views.IncomingAcceptView.as_view(),
        name="incoming-accept",
    ),
    path(
        "documents/incoming/<int:pk>/submit/",
        views.IncomingSubmitView.as_view(),
        name="incoming-submit",
    ),
    path(
        "documents/incoming/<int:pk>/assign/",
        views.IncomingAssignView.as_view(),
        name="incoming-assign",
    ),
    path(
        "documents/incoming/<int:pk>/tasks/",
        views.IncomingTasksView.as_view(),
        name="incoming-tasks",
    ),
    path(
        "documents/incoming/<int:pk>/complete/",
        views.IncomingCompleteView.as_view(),
        name="incoming-complete",
    ),
    path(
        "documents/incoming/<int:pk>/return/",
        views.IncomingReturnView.as_view(),
        name="incoming-return",
    ),
    path(
        "documents/incoming/<int:pk>/files/<int:file_id>/",
        views.IncomingFileView.as_view(),
        name="incoming-file",
    ),
    path(
        "documents/incoming/<int:pk>/processing-slip/",
        views.ProcessingSlipView.as_view(),
        name="incoming-slip",
    ),
    path("documents/tasks/mine/", views.MyTasksView.as_view(), name="my-tasks"),
    path("documents/tasks/<int:pk>/start/", views.TaskStartView.as_view(), name="task-start"),
    path(
        "documents/tasks/<int:pk>/complete/",
        views.TaskCompleteView.as_view(),
        name="task-complete",
    ),
    path("documents/outgoing/", views.OutgoingListView.as_view(), name="outgoing-list"),
    path(
        "documents/outgoing/<int:pk>/",
        views.OutgoingDetailView.as_view(),
        name="outgoing-detail",
    ),
    path(
        "documents/outgoing/<int:pk>/submit/",
        views.OutgoingSubmitView.as_view(),
        name="outgoing-submit",
    ),
    path(
        "documents/outgoing/<int:pk>/review/",
        views.OutgoingReviewView.as_view(),
        name="outgoing-review",
    ),
    path(
        "documents/outgoing/<int:pk>/issue/",
        views.OutgoingIssueView.as_view(),
        name="outgoing-issue",
    ),
    path("documents/outgoing/<int:pk>/pdf/", views.OutgoingPdfView.as_view(), name="outgoing-pdf"),
    path(
        "documents/outgoing/<int:pk>/sign/", views.OutgoingSignView.as_view(), name="outgoing-sign"
    ),
    path(
        "documents/outgoing/<int:pk>/dispatch/",
        views.OutgoingDispatchView.as_view(),
        name="outgoing-dispatch",
    ),
    path(
        "documents/outgoing/<int:pk>/revoke/",
        views.OutgoingRevokeView.as_view(),
        name="outgoing-revoke",
    ),
    path(
        "documents/outgoing/<int:pk>/recipients/",
        views.OutgoingRecipientsView.as_view(),
        name="outgoing-recipients",
    ),
    path(
        "documents/exchange/messages/<int:pk>/take-back/",
        views.TakeBackView.as_view(),
        name="exchange-take-back",
    ),
    path(
        "documents/exchange/messages/<int:pk>/take-back-answer/",
        views.TakeBackAnswerView.as_view(),
        name="exchange-take-back-answer",
    ),
    path(
        "documents/exchange/messages/<int:pk>/feedback/",
        views.FeedbackView.as_view(),
        name="exchange-feedback",
    ),
    path("documents/registers/export/", views.RegisterExportView.as_view(), name="register-export"),
]
