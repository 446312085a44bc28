"""``depwave notify``: one message per owner with their steps, for a tracker issue or a chat channel.

:mod:`~planner.notify.messages` builds the messages from the plan and the patches (pure),
:mod:`~planner.notify.render` writes them as Markdown, a GitHub issue and a Slack payload, and
:mod:`~planner.notify.post` sends them (tokens from the environment only, never printed or stored).
"""
