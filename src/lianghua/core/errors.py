"""The 403 and 404 pages: in Chinese, with the reason the code gave when it gave one in Chinese
(Django's own messages, "No Project matches the given query.", are replaced by the page's sentence);
the 503 of a database too busy to take a write."""

import logging
import re

from django.shortcuts import render

logger = logging.getLogger(__name__)

_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def has_chinese(text: str) -> bool:
    return bool(_CHINESE.search(text))


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


BUSY_TEXT = "系统正忙（有大批数据正在写入），本次操作未保存，请稍后重试"


class DatabaseBusyMiddleware:
    """A write that waited its full time for SQLite's lock (behind an import writing a million rows)
    answers 503 with a Chinese sentence, not a 500: nothing was saved, and trying again will work."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import OperationalError
        from django.http import JsonResponse

        if not (isinstance(exception, OperationalError) and "locked" in str(exception).lower()):
            return None
        logger.warning("database busy on %s %s: %s", request.method, request.path, exception)
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": BUSY_TEXT}, status=503, json_dumps_params={"ensure_ascii": False})
        else:
            response = render(request, "problem.html", status=503, context={
                "title": "系统正忙", "problems": [BUSY_TEXT], "hint": "请返回上一页，稍后重新提交。"})
        response["Retry-After"] = "30"
        return response
