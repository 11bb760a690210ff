"""Pages of proposals: writing, co-signing, review, the topic guide and proposing bodies."""

urlpatterns: list = []
