"""accounts: invites made to re-link a staff member and revoked invites; the owner of each digest
subscription and subscriptions stopped because their owner lost the right to them

Existing subscriptions get an owner where it can be known: the staff member recorded on it (as
before), else, for a private chat, the person of that chat (nobody else can subscribe it), else the
ADMIN_IDS admin the audit log names as the last to subscribe that chat. A subscription whose owner
cannot be found keeps neither: it is stopped at its next sending, and its chat told to subscribe again.

Revision ID: 0009
Revises: 0008
"""
import re

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (SQLite has it): no table is copied.
    op.add_column('invite', sa.Column('relink', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('invite', sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.add_column('subscription', sa.Column('owner_telegram_id', sa.BigInteger(), nullable=True))
    op.add_column('subscription', sa.Column('disabled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.add_column('subscription', sa.Column('disabled_reason', sqlmodel.sql.sqltypes.AutoString(length=500),
                                            server_default='', nullable=False))

    _record_owners(op.get_bind())


def _record_owners(conn) -> None:
    """The owner of each subscription made before owners were recorded (``staff_id`` empty: an
    ADMIN_IDS admin who is no staff member, whose id was not kept)."""
    subs = conn.execute(sa.text("SELECT id, chat_id FROM subscription WHERE staff_id IS NULL")).all()
    for sub_id, chat_id in subs:
        owner = chat_id if chat_id > 0 else None  # a private chat's id is its person's id
        if owner is None:
            # The audit line of /dangkytonghop names an admin without a staff record "Telegram <id>".
            lines = conn.execute(sa.text(
                "SELECT actor FROM audit_entry WHERE action = 'subscribe' AND entity = 'chat' "
                "AND entity_code = :chat AND actor_id IS NULL AND new_value <> :off ORDER BY id DESC"),
                {"chat": str(chat_id), "off": "hủy"}).all()
            for (actor,) in lines:
                found = re.fullmatch(r"Telegram (\d+)", actor or "")
                if found:
                    owner = int(found.group(1))
                    break
        if owner is not None:
            conn.execute(sa.text("UPDATE subscription SET owner_telegram_id = :owner WHERE id = :id"),
                         {"owner": owner, "id": sub_id})


def downgrade() -> None:
    # Without these columns a stopped subscription would be sent again and a revoked invite be usable.
    op.execute("DELETE FROM subscription WHERE disabled_at IS NOT NULL")
    op.execute("UPDATE invite SET used_at = revoked_at WHERE used_at IS NULL AND revoked_at IS NOT NULL")
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_column('disabled_reason')
        batch_op.drop_column('disabled_at')
        batch_op.drop_column('owner_telegram_id')

    with op.batch_alter_table('invite', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('relink')
