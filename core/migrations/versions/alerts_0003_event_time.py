"""alerts: event time — alerts keep their documents' event-time span; spikes count stored history (issue 21)

The spike rule's rolling per-key state (bucketed by the processing clock) gives way to the
documents it counted, each in the event-time bucket it belongs to, and the episodes it found.
Existing alerts take their fired/last-seen times as their event span.

Revision ID: alerts_0003_event_time
Revises: alerts_0002_once
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from healthpulse.core.models.base import UTCDateTime

revision = "alerts_0003_event_time"
down_revision = "alerts_0002_once"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_start", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("event_end", UTCDateTime(), nullable=True))
    op.execute("UPDATE alerts SET event_start = fired_at, event_end = last_seen_at")
    op.create_table(
        "alert_spike_counts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rule_id", sa.String(length=100), nullable=False),
        sa.Column("department_key", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("document_id", sa.String(length=128), nullable=False),
        sa.Column("bucket_start", UTCDateTime(), nullable=False),
        sa.Column("event_at", UTCDateTime(), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_spike_counts")),
        sa.UniqueConstraint("rule_id", "department_key", "topic", "document_id", name="uq_alert_spike_counts_doc"),
    )
    op.create_index("ix_alert_spike_counts_bucket", "alert_spike_counts",
                    ["rule_id", "department_key", "topic", "bucket_start"], unique=False)
    op.create_table(
        "alert_spike_episodes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rule_id", sa.String(length=100), nullable=False),
        sa.Column("department_key", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("first_bucket", UTCDateTime(), nullable=False),
        sa.Column("last_bucket", UTCDateTime(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("ended", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"], name=op.f("fk_alert_spike_episodes_alert_id_alerts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_spike_episodes")),
        sa.UniqueConstraint("rule_id", "department_key", "topic", "first_bucket", name="uq_alert_spike_episodes_key"),
    )
    op.create_index(op.f("ix_alert_spike_episodes_rule_id"), "alert_spike_episodes", ["rule_id"], unique=False)
    op.drop_table("alert_spike_state")


def downgrade() -> None:
    op.create_table(
        "alert_spike_state",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rule_id", sa.String(length=100), nullable=False),
        sa.Column("department_key", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("bucket_start", UTCDateTime(), nullable=False),
        sa.Column("bucket_count", sa.Integer(), nullable=False),
        sa.Column("bucket_documents", sa.JSON(), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=False),
        sa.Column("buckets_seen", sa.Integer(), nullable=False),
        sa.Column("firing_alert_id", sa.Integer(), nullable=True),
        sa.Column("fired_bucket", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["firing_alert_id"], ["alerts.id"], name=op.f("fk_alert_spike_state_firing_alert_id_alerts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_spike_state")),
        sa.UniqueConstraint("rule_id", "department_key", "topic", name="uq_alert_spike_state_key"),
    )
    op.drop_index(op.f("ix_alert_spike_episodes_rule_id"), table_name="alert_spike_episodes")
    op.drop_table("alert_spike_episodes")
    op.drop_index("ix_alert_spike_counts_bucket", table_name="alert_spike_counts")
    op.drop_table("alert_spike_counts")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_column("event_end")
        batch_op.drop_column("event_start")
