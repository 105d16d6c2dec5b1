"""Daily web push reminders: settings, devices, the dispatcher and its sender."""
