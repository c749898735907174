"""question feedback: the answers given (what their 👍/👎 buttons name), the votes on them,
and the questions kept because the bot found nothing or its answer was voted 👎

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('answer_given',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('question', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('times', sa.Integer(), nullable=False),
    sa.Column('first_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('answer_given', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_given_key'), ['key'], unique=True)
        batch_op.create_index(batch_op.f('ix_answer_given_last_at'), ['last_at'], unique=False)

    op.create_table('kept_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('refused', sa.Integer(), nullable=False),
    sa.Column('disliked', sa.Integer(), nullable=False),
    sa.Column('times', sa.Integer(), nullable=False),
    sa.Column('first_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('kept_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kept_question_key'), ['key'], unique=True)
        batch_op.create_index(batch_op.f('ix_kept_question_last_at'), ['last_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_kept_question_times'), ['times'], unique=False)

    op.create_table('answer_vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('telegram_id', sa.BigInteger(), nullable=False),
    sa.Column('vote', sa.Integer(), nullable=False),
    sa.Column('voted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answer_given.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('answer_id', 'telegram_id', name='uq_answer_vote_answer_id_telegram_id')
    )


def downgrade() -> None:
    op.drop_table('answer_vote')
    with op.batch_alter_table('kept_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kept_question_times'))
        batch_op.drop_index(batch_op.f('ix_kept_question_last_at'))
        batch_op.drop_index(batch_op.f('ix_kept_question_key'))
    op.drop_table('kept_question')
    with op.batch_alter_table('answer_given', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_given_last_at'))
        batch_op.drop_index(batch_op.f('ix_answer_given_key'))
    op.drop_table('answer_given')
