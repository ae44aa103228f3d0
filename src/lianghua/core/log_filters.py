"""Logging for operators: an ordinary refusal (403, 404) is one line, not a traceback.

Django logs every PermissionDenied and Http404 with its exception attached; those are answers the
product gives on purpose (a record outside the user's scope), so the traceback is dropped and the
line ("Forbidden (Permission denied): /path") kept. Real errors keep theirs.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404

ORDINARY = (PermissionDenied, Http404)


class OrdinaryRefusalWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc_info = record.exc_info
        if exc_info and isinstance(exc_info, tuple) and isinstance(exc_info[1], ORDINARY):
            record.exc_info = None
            record.exc_text = None
        return True
