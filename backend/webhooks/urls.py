from django.urls import path

from backend.webhooks import api

urlpatterns = [
    path("subscriptions", api.SubscriptionListView.as_view(), name="subscription-list"),
    path(
        "subscriptions/<int:subscription_id>",
        api.SubscriptionDetailView.as_view(),
        name="subscription-detail",
    ),
]
