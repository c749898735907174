"""received updates: kept from their arrival until handled, so a killed process loses none

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('received_update',
    sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('retry_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('update_id')
    )
    with op.batch_alter_table('received_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_received_update_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_received_update_retry_at'), ['retry_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('received_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_received_update_retry_at'))
        batch_op.drop_index(batch_op.f('ix_received_update_received_at'))
    op.drop_table('received_update')
