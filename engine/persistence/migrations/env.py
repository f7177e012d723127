from alembic import context

from engine.persistence.db import make_engine
from engine.persistence import result_models, webhook_models  # noqa: F401  (their tables join the metadata)
from engine.persistence.models import Base

config = context.config


def run_migrations() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
