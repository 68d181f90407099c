from django.urls import path

from tracking import api

urlpatterns = [
    path("tracking/<str:key>", api.TrackingReadView.as_view(), name="tracking"),
    path(
        "tracking/<str:key>/letters/<int:letter_id>",
        api.TrackingLetterView.as_view(),
        name="tracking-letter",
    ),
    path(
        "tracking/<str:key>/information",
        api.TrackingInformationView.as_view(),
        name="tracking-information",
    ),
    path(
        "tracking/<str:key>/withdrawal",
        api.TrackingWithdrawalView.as_view(),
        name="tracking-withdrawal",
    ),
    path("tracking/<str:key>/rating", api.TrackingRatingView.as_view(), name="tracking-rating"),
]
