"""Persona Studio as a service: a REST API and a job queue over the rendering pipeline.

    settings.py     every knob, from ``PERSONA_*`` environment variables (pydantic-settings)
    db/             SQLAlchemy models, engine and session, Alembic migrations
    jobs/           the job state machine (pure) and the queue repository (claim, lease)
    auth.py         users, API keys, passwords, JWT access tokens, roles
    ownership.py    which user owns an avatar (av_…) or a voice kept outside the database
    storage/        the Storage protocol; local files and S3-compatible backends; quotas
    api/            dependencies, error mapping, schemas, one router per resource
    app.py          create_app(settings): the FastAPI application
    commands.py     ``persona users``, ``persona keys``, ``persona db``

One process (``persona serve``) runs with SQLite and local files in the data directory;
the same code scales out by settings alone: PostgreSQL, a Redis broker, many workers and
S3-compatible storage. Nothing here is imported when ``persona`` starts: the CLI imports
the service only when one of its commands runs.
"""
