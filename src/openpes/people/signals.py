"""What the registry tells the apps above it. People sits below employment in the app order and may not call
it; when the members of a household change, apps that derive something from a household's members (the
zero-employment households of `employment`) listen here instead of finding out at the next daily refresh."""

from django.dispatch import Signal

# Sent inside the writing transaction with `households`: the ids of every household whose members changed.
household_members_changed = Signal()
