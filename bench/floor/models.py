from django.db import models


class Item(models.Model):
    """About what a filing's case row holds."""

    subject = models.CharField(max_length=200)
    description = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        app_label = "floor"

    def __str__(self) -> str:
        return self.subject
