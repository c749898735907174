"""indexes on upper(code): lookups by code whatever its case use an index

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

TABLES = ("staff", "target", "task")


def upgrade() -> None:
    for table in TABLES:
        op.create_index(f"ix_{table}_code_upper", table, [sa.text("upper(code)")], unique=False)


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_code_upper", table_name=table)
