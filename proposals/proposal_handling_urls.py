"""Pages of proposals after filing: key proposals and supervision, the procuratorial link,
letters, the compilation, statistics; and the engine's reply review."""

urlpatterns: list = []
