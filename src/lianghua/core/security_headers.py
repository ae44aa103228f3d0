"""The Permissions-Policy header on every response (settings.PERMISSIONS_POLICY). Django sets the other
security headers itself (SecurityMiddleware, XFrameOptionsMiddleware) and django-csp the CSP."""

from django.conf import settings


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
