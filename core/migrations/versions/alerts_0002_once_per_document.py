"""alerts: a document fires a rule once (per topic), an alert has one ticket — unique keys (issue 16)

Two ingests at once could alert twice on one document and open two tickets.  Existing
duplicates (left by that race) are folded first: the earliest link of a document to a rule
stays, and a second ticket of one alert keeps its history but no longer claims the alert.

Revision ID: alerts_0002_once
Revises: alerts_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "alerts_0002_once"
down_revision = "alerts_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alert_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rule_id", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("topic_key", sa.String(length=64), nullable=True))
    op.execute("UPDATE alert_documents SET"
               " rule_id = (SELECT a.rule_id FROM alerts a WHERE a.id = alert_documents.alert_id),"
               " topic_key = COALESCE((SELECT a.topic FROM alerts a WHERE a.id = alert_documents.alert_id), '')")
    op.execute("DELETE FROM alert_documents WHERE id NOT IN"
               " (SELECT keep FROM (SELECT MIN(id) AS keep FROM alert_documents"
               " GROUP BY rule_id, topic_key, document_id) AS firsts)")
    op.execute("UPDATE alerts SET document_count ="
               " (SELECT COUNT(*) FROM alert_documents d WHERE d.alert_id = alerts.id)")
    with op.batch_alter_table("alert_documents", schema=None) as batch_op:
        batch_op.alter_column("rule_id", existing_type=sa.String(length=100), nullable=False)
        batch_op.alter_column("topic_key", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint("uq_alert_documents_rule_doc", ["rule_id", "topic_key", "document_id"])

    op.execute("UPDATE tickets SET alert_id = NULL WHERE alert_id IS NOT NULL AND id NOT IN"
               " (SELECT keep FROM (SELECT MIN(id) AS keep FROM tickets WHERE alert_id IS NOT NULL"
               " GROUP BY alert_id) AS firsts)")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_alert_id"))
        batch_op.create_index(batch_op.f("ix_tickets_alert_id"), ["alert_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_alert_id"))
        batch_op.create_index(batch_op.f("ix_tickets_alert_id"), ["alert_id"], unique=False)
    with op.batch_alter_table("alert_documents", schema=None) as batch_op:
        batch_op.drop_constraint("uq_alert_documents_rule_doc", type_="unique")
        batch_op.drop_column("topic_key")
        batch_op.drop_column("rule_id")
