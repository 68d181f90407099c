"""Personal data out of every log line, whatever wrote it (AVG art. 5(1)(c), 32).

The code logs identifiers, never names or contact details (``backend.logs``); this filter
is the net under that rule for what it cannot control - an exception's message that
quotes the values it refused, a library that logs a URL with its query string, a
database error that repeats a row. Installed on every handler (``LOGGING``), so records
that propagate from any logger (Celery's, gunicorn's through Django) pass it, and
applied to the message, its arguments, the traceback and every extra field.

What it recognises, and writes instead:

- e-mail addresses → ``[e-mail]``;
- phone numbers: international (``+31 6 …``, ``0031…``) and Dutch (``06 …``, ``020-…``) →
  ``[phone]``;
- BSNs: nine digits passing the eleven-test, standing alone → ``[bsn]``;
- query strings after a path (a search for a name: ``/cases?q=…``) → ``?[query]``;
- the values a database error repeats (``Key (name)=(…)``, ``Failing row contains (…)``)
  → ``(…)``.

Names in free text cannot be recognised by their form; they stay out because the code
never logs free text (tested end to end: tests/faults/test_no_personal_data_logged.py).
"""

import logging
import re

from backend.bsn import bsn_valid

# The local part as RFC 5322 allows it (dot-atom), the domain as DNS names go.
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)[1-9](?:[\s.-]?\d){7,14}|0[1-9](?:[\s.-]?\d){8})(?![\w])"
)
_NINE_DIGITS = re.compile(r"(?<![\w.-])\d{9}(?![\w-])")
_QUERY = re.compile(r"(/[^\s?\"'<>]*)\?[^\s\"'<>]+")
_DB_KEY_VALUES = re.compile(r"(\)=\()[^\n]*?(\)(?:\s|$|\.|,))")
_DB_ROW = re.compile(r"(Failing row contains \()[^\n]*(\))")

# The attributes every LogRecord has; anything else on a record is an ``extra`` field.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}
_traceback_formatter = logging.Formatter()


def scrub(text: str) -> str:
    text = _EMAIL.sub("[e-mail]", text)
    text = _QUERY.sub(r"\1?[query]", text)
    text = _DB_ROW.sub(r"\1…\2", text)
    text = _DB_KEY_VALUES.sub(r"\1…\2", text)
    text = _PHONE.sub("[phone]", text)
    return _NINE_DIGITS.sub(lambda m: "[bsn]" if bsn_valid(m.group()) else m.group(), text)


class PersonalDataScrubber(logging.Filter):
    """Rewrites the record in place, so every handler after this one sees it scrubbed."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = scrub(message), None
        if record.exc_info:
            # Formatted once here, scrubbed, and kept as the text every formatter uses.
            record.exc_text = scrub(_traceback_formatter.formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        for name, value in list(vars(record).items()):
            if name not in _STANDARD and isinstance(value, str):
                setattr(record, name, scrub(value))
        return True
