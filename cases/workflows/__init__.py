"""Workflows: one module per case kind, each a django-fsm proxy of Case."""
