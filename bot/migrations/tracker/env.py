from alembic import context

from bot.migrations.environment import run

run(context)
