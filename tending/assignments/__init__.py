"""Homework: practices and questionnaires on schedules, the client's Today page, reminders."""
