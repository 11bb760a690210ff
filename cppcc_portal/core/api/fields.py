from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(OpenApiTypes.INT)
class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related field whose choices are what ``selector(request.user)`` returns, so an id
    outside the user's scope reads as "does not exist", never as "forbidden"."""

    def __init__(self, selector, **kwargs):
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.selector(None).none()
        return self.selector(request.user)


class RefSerializer(serializers.Serializer):
    """{id, name} of a related object. The fields describe the schema; the representation is
    built directly, because DRF's generic path inspects ``__str__`` for every row (about half
    of a list page's serialising time)."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")

    def to_representation(self, instance):
        return {"id": instance.pk, "name": str(instance)}
