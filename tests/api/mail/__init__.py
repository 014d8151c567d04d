"""Mail: the outbox, its sender, invitations and reminders (issue 23)."""
