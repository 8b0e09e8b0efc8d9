"""Notification channels (``…Notifier``), registered by name in ``registry``."""
