"""The HTTP API: ``deps`` (settings, session, storage, current user as ``Annotated``
aliases), ``errors`` (service errors → HTTP status), ``schemas`` (the Pydantic edge) and
``routes/`` with one router per resource."""
