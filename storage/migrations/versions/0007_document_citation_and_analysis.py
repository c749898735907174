"""documents: what kind of text (official document or news article), its source and
the document it reports on, for citations; and the search index's analysis of the
document, kept so that a process starts without re-reading every document

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('document') as batch:
        batch.add_column(sa.Column('kind', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('source', sa.String(length=255), nullable=True))
        batch.add_column(sa.Column('reports_on', sa.String(length=255), nullable=True))
        batch.add_column(sa.Column('analysis', sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column('analysis_version', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('document') as batch:
        for name in ('analysis_version', 'analysis', 'reports_on', 'source', 'kind'):
            batch.drop_column(name)
