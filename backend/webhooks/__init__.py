"""Webhooks: outbox events delivered to other systems as signed CloudEvents (NL GOV).

An outbox consumer fans each public event out to the matching subscriptions; each
subscription's deliveries go out from their own task, in order per case, retried with
backoff for about a day, then dead-lettered for an administrator to replay.
"""
