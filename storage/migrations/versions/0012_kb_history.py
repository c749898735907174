"""knowledge-base history: every document has a version number, and its replaced and removed
versions are kept (``document_version``, at most KB_KEEP_VERSIONS a file) to be listed and
restored; the audit log names a document by its whole file name (``entity_code`` up to 255
characters, as ``document.file_name``); ``document.added_by`` holds any Telegram id (ids pass 2**31)

Existing documents become version 1 of their file.

Revision ID: 0012
Revises: 0011
"""
import warnings
from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('issuer', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('doc_date', sa.Date(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('reports_on', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('added_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('retired_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('retired_how', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('file_name', 'version', name='uq_document_version_file_name_version')
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.alter_column('added_by', existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=True)
    with _staff_reflected(), op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.alter_column('entity_code', existing_type=sqlmodel.sql.sqltypes.AutoString(length=64),
                              type_=sqlmodel.sql.sqltypes.AutoString(length=255), existing_nullable=False)


@contextmanager
def _staff_reflected():
    """SQLite rebuilds audit_entry, reflecting the staff table its actor_id refers to: the expression
    index on upper(code) is left out of that reflection (and kept in the database), as is right here."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index",
                                category=sa.exc.SAWarning)
        yield


def downgrade() -> None:
    # What the older schema cannot hold is shortened (an audit line's file name) or forgotten (a
    # Telegram id past 2**31 that added a document; every kept version).
    op.execute("UPDATE audit_entry SET entity_code = substr(entity_code, 1, 64) WHERE length(entity_code) > 64")
    op.execute("UPDATE document SET added_by = NULL WHERE added_by > 2147483647 OR added_by < -2147483648")
    with _staff_reflected(), op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.alter_column('entity_code', existing_type=sqlmodel.sql.sqltypes.AutoString(length=255),
                              type_=sqlmodel.sql.sqltypes.AutoString(length=64), existing_nullable=False)
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.alter_column('added_by', existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=True)
        batch_op.drop_column('version')
    op.drop_table('document_version')
