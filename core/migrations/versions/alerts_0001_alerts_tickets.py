"""alerts: alerts, spike state, notification outbox, tickets, audit events, contacts, surveys, SLA policy

Revision ID: alerts_0001
Revises: core_0001
"""

import sqlalchemy as sa
from alembic import op
from healthpulse.core.models.base import UTCDateTime

revision = "alerts_0001"
down_revision = "core_0001"
branch_labels = ("alerts",)
depends_on = None


def upgrade() -> None:
    op.create_table('alerts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('rule_id', sa.String(length=100), nullable=False),
    sa.Column('rule_type', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('department_id', sa.String(length=64), nullable=True),
    sa.Column('topic', sa.String(length=64), nullable=True),
    sa.Column('story_id', sa.String(length=64), nullable=True),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('document_count', sa.Integer(), nullable=False),
    sa.Column('fired_at', UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', UTCDateTime(), nullable=False),
    sa.Column('last_notified_at', UTCDateTime(), nullable=True),
    sa.Column('notified_severity', sa.String(length=16), nullable=True),
    sa.Column('notifications_sent', sa.Integer(), nullable=False),
    sa.Column('acknowledged_at', UTCDateTime(), nullable=True),
    sa.Column('acknowledged_by', sa.String(length=200), nullable=True),
    sa.Column('resolved_at', UTCDateTime(), nullable=True),
    sa.Column('resolved_by', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts'))
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alerts_department_id'), ['department_id'], unique=False)
        batch_op.create_index('ix_alerts_group', ['rule_id', 'department_id', 'topic', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_story_id'), ['story_id'], unique=False)

    op.create_table('sla_policy',
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('severity', name=op.f('pk_sla_policy'))
    )
    op.create_table('alert_documents',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.String(length=128), nullable=False),
    sa.Column('added_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], name=op.f('fk_alert_documents_alert_id_alerts')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_alert_documents_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_documents')),
    sa.UniqueConstraint('alert_id', 'document_id', name='uq_alert_documents_alert_doc')
    )
    with op.batch_alter_table('alert_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_documents_alert_id'), ['alert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_documents_document_id'), ['document_id'], unique=False)

    op.create_table('alert_spike_state',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('rule_id', sa.String(length=100), nullable=False),
    sa.Column('department_key', sa.String(length=64), nullable=False),
    sa.Column('topic', sa.String(length=64), nullable=False),
    sa.Column('bucket_start', UTCDateTime(), nullable=False),
    sa.Column('bucket_count', sa.Integer(), nullable=False),
    sa.Column('bucket_documents', sa.JSON(), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=False),
    sa.Column('buckets_seen', sa.Integer(), nullable=False),
    sa.Column('firing_alert_id', sa.Integer(), nullable=True),
    sa.Column('fired_bucket', UTCDateTime(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['firing_alert_id'], ['alerts.id'], name=op.f('fk_alert_spike_state_firing_alert_id_alerts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_spike_state')),
    sa.UniqueConstraint('rule_id', 'department_key', 'topic', name='uq_alert_spike_state_key')
    )
    op.create_table('tickets',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=True),
    sa.Column('appeal_id', sa.String(length=64), nullable=True),
    sa.Column('department_id', sa.String(length=64), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=True),
    sa.Column('topic', sa.String(length=64), nullable=True),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('assignee', sa.String(length=200), nullable=True),
    sa.Column('has_citizen', sa.Boolean(), nullable=False),
    sa.Column('citizen_language', sa.String(length=8), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('due_at', UTCDateTime(), nullable=False),
    sa.Column('breached', sa.Boolean(), nullable=False),
    sa.Column('breached_at', UTCDateTime(), nullable=True),
    sa.Column('first_response_at', UTCDateTime(), nullable=True),
    sa.Column('closed_at', UTCDateTime(), nullable=True),
    sa.Column('first_closed_at', UTCDateTime(), nullable=True),
    sa.Column('reopen_count', sa.Integer(), nullable=False),
    sa.Column('contact_count', sa.Integer(), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('public_reply', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], name=op.f('fk_tickets_alert_id_alerts')),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], name=op.f('fk_tickets_appeal_id_appeals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets')),
    sa.UniqueConstraint('appeal_id', name=op.f('uq_tickets_appeal_id'))
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tickets_alert_id'), ['alert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_breached'), ['breached'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_channel'), ['channel'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_due_at'), ['due_at'], unique=False)
        batch_op.create_index('ix_tickets_queue', ['department_id', 'status', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_severity'), ['severity'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_topic'), ['topic'], unique=False)

    op.create_table('alert_notifications',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('event', sa.String(length=32), nullable=False),
    sa.Column('recipient', sa.Text(), nullable=False),
    sa.Column('department_id', sa.String(length=64), nullable=True),
    sa.Column('alert_id', sa.Integer(), nullable=True),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', UTCDateTime(), nullable=False),
    sa.Column('locked_until', UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('sent_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], name=op.f('fk_alert_notifications_alert_id_alerts')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_alert_notifications_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_notifications')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_alert_notifications_idempotency_key'))
    )
    with op.batch_alter_table('alert_notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_notifications_alert_id'), ['alert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_notifications_department_id'), ['department_id'], unique=False)
        batch_op.create_index('ix_alert_notifications_due', ['state', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_notifications_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('ticket_contacts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('recorded_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_contacts_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_contacts'))
    )
    with op.batch_alter_table('ticket_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_contacts_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('ticket_documents',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.String(length=128), nullable=False),
    sa.Column('added_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_ticket_documents_document_id_documents')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_documents_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_documents')),
    sa.UniqueConstraint('ticket_id', 'document_id', name='uq_ticket_documents_ticket_doc')
    )
    with op.batch_alter_table('ticket_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_documents_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_documents_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('ticket_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=True),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_events_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_events'))
    )
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_events_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('ticket_surveys',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('expires_at', UTCDateTime(), nullable=False),
    sa.Column('used_at', UTCDateTime(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_surveys_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_surveys')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_ticket_surveys_token_hash'))
    )
    with op.batch_alter_table('ticket_surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_surveys_ticket_id'), ['ticket_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ticket_surveys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_surveys_ticket_id'))

    op.drop_table('ticket_surveys')
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_events_ticket_id'))

    op.drop_table('ticket_events')
    with op.batch_alter_table('ticket_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_documents_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_ticket_documents_document_id'))

    op.drop_table('ticket_documents')
    with op.batch_alter_table('ticket_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_contacts_ticket_id'))

    op.drop_table('ticket_contacts')
    with op.batch_alter_table('alert_notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_notifications_ticket_id'))
        batch_op.drop_index('ix_alert_notifications_due')
        batch_op.drop_index(batch_op.f('ix_alert_notifications_department_id'))
        batch_op.drop_index(batch_op.f('ix_alert_notifications_alert_id'))

    op.drop_table('alert_notifications')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_topic'))
        batch_op.drop_index(batch_op.f('ix_tickets_status'))
        batch_op.drop_index(batch_op.f('ix_tickets_severity'))
        batch_op.drop_index('ix_tickets_queue')
        batch_op.drop_index(batch_op.f('ix_tickets_due_at'))
        batch_op.drop_index(batch_op.f('ix_tickets_department_id'))
        batch_op.drop_index(batch_op.f('ix_tickets_channel'))
        batch_op.drop_index(batch_op.f('ix_tickets_breached'))
        batch_op.drop_index(batch_op.f('ix_tickets_alert_id'))

    op.drop_table('tickets')
    op.drop_table('alert_spike_state')
    with op.batch_alter_table('alert_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_documents_document_id'))
        batch_op.drop_index(batch_op.f('ix_alert_documents_alert_id'))

    op.drop_table('alert_documents')
    op.drop_table('sla_policy')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alerts_story_id'))
        batch_op.drop_index(batch_op.f('ix_alerts_state'))
        batch_op.drop_index('ix_alerts_group')
        batch_op.drop_index(batch_op.f('ix_alerts_department_id'))

    op.drop_table('alerts')
