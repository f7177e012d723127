from alembic import context

from engine.config import Settings
from engine.extensions import Extensions, load
from engine.persistence import webhook_models  # noqa: F401  (its tables join the metadata)
from engine.persistence.db import make_engine
from engine.persistence.models import Base

config = context.config
# The extensions' tables are compared with the migrated schema as the engine's are; their
# revisions stay in this one history (versions/), so a deployed database never changes lineage.
settings = Settings.from_env()
target_metadata = [Base.metadata, *Extensions(load(settings), settings).metadata()]


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url is not None, "alembic's config names the database (sqlalchemy.url)"
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
