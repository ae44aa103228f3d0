"""The 403 and 404 pages: in Chinese, with the reason the code gave when it gave one in Chinese
(Django's own messages, "No Project matches the given query.", are replaced by the page's sentence)."""

import re

from django.shortcuts import render

_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def refusal_reason(exception: BaseException | None) -> str:
    message = exception.args[0] if exception is not None and exception.args else ""
    return message if isinstance(message, str) and _CHINESE.search(message) else ""


def permission_denied(request, exception=None):
    return render(request, "403.html", {"reason": refusal_reason(exception)}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", {"reason": refusal_reason(exception), "request_path": request.path},
                  status=404)


def csrf_failure(request, reason=""):
    """A form posted without its token (a page left open past its session, or from another site)."""
    return render(request, "403.html", {"reason": "页面已过期或不是从本平台提交的，请刷新页面后重新提交（未保存任何内容）。"},
                  status=403)
