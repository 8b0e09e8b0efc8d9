"""alerts: two indexes on the spike rule's stored history, so a batch's two lookups in it stay index reads

Every batch asks the history which of its documents a spike rule already counted (by document) and
where the rule's history begins (the earliest bucket of the rule). Neither is a prefix of the existing
indexes, so both were sequential scans of the whole history: 25 ms each at 170,000 counted documents
(benchmarks/scale.py at 1M documents), growing with every year of history. Additive: indexes only.

Revision ID: alerts_0005_spike_count_lookups
Revises: alerts_0004_ticket_version
"""

from __future__ import annotations

from alembic import op

revision = "alerts_0005_spike_count_lookups"
down_revision = "alerts_0004_ticket_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_alert_spike_counts_document", "alert_spike_counts", ["document_id"], unique=False)
    op.create_index("ix_alert_spike_counts_first", "alert_spike_counts", ["rule_id", "bucket_start"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_alert_spike_counts_first", table_name="alert_spike_counts")
    op.drop_index("ix_alert_spike_counts_document", table_name="alert_spike_counts")
