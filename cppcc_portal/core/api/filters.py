"""The API's ordering filter."""

from rest_framework import filters


class OrderingFilter(filters.OrderingFilter):
    """DRF's, except that a viewset without ``ordering_fields`` may be ordered only on its
    model's own columns and its queryset's annotations: DRF would accept any serializer source
    (``get_status_display`` too) and fail in the database with a 500."""

    def get_default_valid_fields(self, queryset, view, context=None):
        fields = super().get_default_valid_fields(queryset, view, context or {})
        columns = {f.name for f in queryset.model._meta.concrete_fields}
        columns |= {f.attname for f in queryset.model._meta.concrete_fields}
        columns |= set(queryset.query.annotations)
        return [(name, label) for name, label in fields if name in columns]
