from django.urls import path

from subject_rights import api

urlpatterns = [
    path(
        "personal-data-exports",
        api.PersonalDataExportView.as_view(),
        name="personal-data-export",
    ),
]
