"""Scheduled work of the yearly collection (celery beat: CELERY_BEAT_SCHEDULE in the settings)."""

from celery import shared_task

from . import reminders


@shared_task
def send_reminders():
    """The day's invitations for cities that joined, reminders and the moderators' digest."""
    result = reminders.run()
    return {"sent": len(result.sent), "invited": len(result.invited), "superseded": len(result.superseded)}


@shared_task
def publish_due():
    """The approved reports of every campaign whose common publication date has come."""
    return len(reminders.publish_due())
