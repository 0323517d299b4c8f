"""Runs moto's server for deploy:local: `python serve.py [moto_server args...]`.

Two additions to the stock `moto_server`, and nothing else:

1. Retried requests get the first attempt's answer (ReplayRetries). On a busy machine the terraform
   AWS provider sometimes loses moto's response to a request that moto did carry out; its SDK then
   sends the request again (same `amz-sdk-invocation-id`, `amz-sdk-request: attempt=2`). For a
   non-idempotent call the second run fails where AWS would not have been asked twice: CreateAlias
   gives AlreadyExistsException, RevokeSecurityGroupEgress InvalidPermission.NotFound,
   AuthorizeSecurityGroupIngress InvalidPermission.Duplicate. Each was a failed `deploy:local` on the
   2-core CI host under load (provider debug log: attempt 1 sent, no response, attempt 2 rejected).
   So a write whose earlier attempt got a final answer (status below 500) is answered from a record
   of that answer instead of being run again. Reads, and retries after a 5xx, run as usual. The
   record is bounded (RECORD_LIMIT invocations, bodies up to BODY_LIMIT bytes). No library does
   this for a WSGI app, hence this file.

2. An owner watchdog, only when SECURE_LAMBDA_EMULATOR_OWNER names a pid: the server exits once that
   process is gone. Tests set it, so an emulator they start never outlives them. A plain deploy:local
   emulator has no owner and runs until destroy:local.
"""

import collections
import os
import sys
import threading
import time

from moto import server

RECORD_LIMIT = 4096
BODY_LIMIT = 1024 * 1024
WAIT_SECONDS = 120
READS = frozenset({"GET", "HEAD", "OPTIONS"})


class _Attempt:
    def __init__(self):
        self.done = threading.Event()
        self.answer = None  # (status, headers, body) once a final answer was recorded


class ReplayRetries:
    """WSGI middleware: a retried write is answered with its first attempt's recorded answer."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.attempts = collections.OrderedDict()

    def __call__(self, environ, start_response):
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        if not invocation or environ.get("REQUEST_METHOD") in READS:
            return self.app(environ, start_response)
        while True:
            with self.lock:
                attempt = self.attempts.get(invocation)
                if attempt is None or (attempt.done.is_set() and attempt.answer is None):
                    attempt = _Attempt()
                    self.attempts[invocation] = attempt
                    self.attempts.move_to_end(invocation)
                    while len(self.attempts) > RECORD_LIMIT:
                        self.attempts.popitem(last=False)
                    break
            # Another attempt of the same call is running or has answered: wait for it.
            if not attempt.done.wait(WAIT_SECONDS):
                return self.app(environ, start_response)
            if attempt.answer is not None:
                status, headers, body = attempt.answer
                sys.stderr.write(
                    f"serve.py: replayed the recorded answer ({status}) to {environ.get('REQUEST_METHOD')} "
                    f"{environ.get('PATH_INFO')} {environ.get('HTTP_AMZ_SDK_REQUEST', '')} "
                    f"(invocation {invocation})\n"
                )
                start_response(status, headers)
                return [body]
        return self._run(attempt, environ, start_response)

    def _run(self, attempt, environ, start_response):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, list(headers)
            return start_response(status, headers, exc_info)

        try:
            result = self.app(environ, capture)
            try:
                body = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
            status = captured.get("status", "500")
            if int(status.split(" ", 1)[0]) < 500 and len(body) <= BODY_LIMIT:
                attempt.answer = (status, captured["headers"], body)
            return [body]
        finally:
            attempt.done.set()


def _watch_owner(owner):
    while True:
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:
            pass
        time.sleep(2)


if __name__ == "__main__":
    owner = os.environ.get("SECURE_LAMBDA_EMULATOR_OWNER")
    if owner:
        threading.Thread(target=_watch_owner, args=(int(owner),), daemon=True).start()
    run_simple = server.run_simple
    server.run_simple = lambda host, port, app, **options: run_simple(host, port, ReplayRetries(app), **options)
    sys.exit(server.main(sys.argv[1:]))
