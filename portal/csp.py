"""Content-Security-Policy, with one narrow exception.

The policy itself is in settings.CONTENT_SECURITY_POLICY: scripts and styles only from
our own origin, nothing inline. Django's admin and our own templates keep to it. The
one page we do not write ourselves, Django REST framework's browsable API, uses inline
style attributes; those pages get 'unsafe-inline' for styles (never for scripts).
"""

from csp.middleware import CSPMiddleware


class PortalCSPMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if request.path.startswith("/api/") and "text/html" in response.get("Content-Type", ""):
            update = dict(getattr(response, "_csp_update", None) or {})
            update.setdefault("style-src", ["'unsafe-inline'"])
            response._csp_update = update
        return super().process_response(request, response)
