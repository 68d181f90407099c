"""Signing in to the workbench with a local account (the embedded default and break
glass). The lockout after failed attempts (django-axes) and the roles apply as for the
admin: ``AUTHENTICATION_BACKENDS``."""

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse

from workbench.access import workbench_language


class SignInView(LoginView):
    template_name = "workbench/sign_in.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict:
        return {
            **super().get_context_data(**kwargs),
            "oidc_enabled": settings.OIDC_ENABLED,
            "oidc_failed": "mislukt" in self.request.GET,
        }

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        workbench_language(request)
        return super().dispatch(request, *args, **kwargs)
