"""The outbox: events written in the same transaction as the change that caused them.

A relay delivers them after commit (letters, e-mail, webhooks), so a request never fails
because the broker is down and nothing is lost between the database and the broker.
"""
