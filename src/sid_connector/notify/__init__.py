"""Notifications to village officials: who must act on what, on the channel they read (RULES.md §9, §10).

``notify_stage`` runs after the rules stage of a sync; ``demo_preview`` shows what each official would get.
"""

from sid_connector.notify.stage import demo_preview, notify_stage, send_now, send_test

__all__ = ["demo_preview", "notify_stage", "send_now", "send_test"]
