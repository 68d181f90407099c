"""Signing in to the workbench with a local account (the embedded default and break
glass). The lockout after failed attempts (django-axes) and the roles apply as for the
admin: ``AUTHENTICATION_BACKENDS``."""

from django.contrib.auth.views import LoginView


class SignInView(LoginView):
    template_name = "workbench/sign_in.html"
    redirect_authenticated_user = True
