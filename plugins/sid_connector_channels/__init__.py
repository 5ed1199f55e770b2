"""First-party notification channels: console, JSON Lines, e-mail, Telegram, Fonnte, Wablas and a signed webhook.

Each channel delivers one :class:`~sid_connector.channels.OutgoingMessage` per call and makes exactly one
attempt: the core's outbox owns retries, so a channel's only other job is to say whether a failure is worth
retrying (:class:`~sid_connector.channels.ChannelError` ``retryable``).
"""
