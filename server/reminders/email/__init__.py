"""Email reminders: a second channel beside web push, through the same daily claim.

The dispatcher claims a person's reminder for the day once (server/reminders/claims.py)
and then sends it on each channel the person chose: push to their devices, email to
their confirmed address. Nothing here knows how a push is encrypted or signed.
"""
