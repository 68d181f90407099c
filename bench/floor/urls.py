from django.urls import path
from rest_framework import generics, pagination, serializers

from bench.floor.models import Item


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = ["id", "subject", "description", "created_at"]


class Page(pagination.CursorPagination):
    page_size = 50
    ordering = ("-created_at", "-id")


class Items(generics.ListCreateAPIView):
    queryset = Item.objects.all()
    serializer_class = ItemSerializer
    pagination_class = Page


urlpatterns = [path("items", Items.as_view())]
