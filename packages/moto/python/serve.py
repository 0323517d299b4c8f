"""Runs moto_server for the workspace: `python serve.py <moto_server script> [moto_server args...]`.

Used by the test harness (packages/testkit) and by deploy:local (packages/local-aws). It adds to the
stock moto_server two things, and nothing else:

1. Retried writes get the first attempt's answer (ReplayRetries). On a busy machine a client sometimes
   loses moto's response to a request that moto did carry out; the AWS SDK then sends the request
   again (same `amz-sdk-invocation-id`, `amz-sdk-request: attempt=2`). For a non-idempotent call the
   second run fails where AWS would not have been asked twice. With the terraform AWS provider on the
   2-core CI host under load: CreateAlias gave AlreadyExistsException, RevokeSecurityGroupEgress
   InvalidPermission.NotFound, AuthorizeSecurityGroupIngress InvalidPermission.Duplicate, each a failed
   apply (provider debug log: attempt 1 sent, no response, attempt 2 rejected).
   So a write whose earlier attempt got a final answer is answered from a record of that answer
   instead of being run again (matched on invocation id, access key, method, X-Amz-Target, path and query). Reads, and retries after a 5xx, a 429 or a throttling error, run as
   usual. The record is bounded (RECORD_LIMIT invocations, bodies up to BODY_LIMIT bytes), and each
   replay is logged. No library does this for a WSGI app, hence this file.

2. Watchdogs, so a server never outlives what started it:
   - SECURE_LAMBDA_WATCH_STDIN=1: exit when stdin reaches end-of-file. The test harness holds the only
     write end of that pipe, so the server dies with it however it dies, SIGKILL included. It reads
     fd 0 with os.read, not sys.stdin: a daemon thread blocked in sys.stdin's buffered reader holds its
     lock, and interpreter shutdown would then wait a full second for it on every stop.
   - SECURE_LAMBDA_EMULATOR_OWNER=<pid>: exit once that process is gone (checked every 2 s). Tests set
     it for deploy:local emulators, which are detached on purpose; a plain deploy:local sets neither.

moto is not imported here: the moto_server script is run as given, and moto's server picks up the
wrapped `werkzeug.serving.run_simple` when it imports it.
"""

import collections
import os
import re
import runpy
import sys
import threading
import time

import werkzeug.serving

RECORD_LIMIT = 4096
BODY_LIMIT = 1024 * 1024
WAIT_SECONDS = 120
READS = frozenset({"GET", "HEAD", "OPTIONS"})
CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/")


class _Attempt:
    def __init__(self):
        self.done = threading.Event()
        self.answer = None  # (status, headers, body) once a final answer was recorded


def _final(status, headers):
    code = int(status.split(" ", 1)[0])
    if code >= 500 or code == 429:
        return False
    error_type = next((v for k, v in headers if k.lower() == "x-amzn-errortype"), "")
    return "throttl" not in error_type.lower()


class ReplayRetries:
    """WSGI middleware: a retried write is answered with its first attempt's recorded answer."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.attempts = collections.OrderedDict()

    def __call__(self, environ, start_response):
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        method = environ.get("REQUEST_METHOD")
        if not invocation or method in READS:
            return self.app(environ, start_response)
        # A retry repeats the call exactly: same caller, method, operation and target. Keying on all of them (not on
        # the client-chosen id alone) means a colliding id can never be answered with another call's answer.
        credential = CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
        key = (
            invocation,
            credential.group(1) if credential else "",
            method,
            environ.get("HTTP_X_AMZ_TARGET", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
        )
        while True:
            with self.lock:
                attempt = self.attempts.get(key)
                if attempt is None or (attempt.done.is_set() and attempt.answer is None):
                    attempt = _Attempt()
                    self.attempts[key] = attempt
                    self.attempts.move_to_end(key)
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
            if "status" in captured and _final(captured["status"], captured["headers"]):
                if len(body) <= BODY_LIMIT:
                    attempt.answer = (captured["status"], captured["headers"], body)
            return [body]
        finally:
            attempt.done.set()


def _exit_at_stdin_eof():
    try:
        while os.read(0, 65536):
            pass
    finally:
        os._exit(0)


def _exit_without_owner(owner):
    while True:
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:
            pass
        time.sleep(2)


if __name__ == "__main__":
    if os.environ.get("SECURE_LAMBDA_WATCH_STDIN") == "1":
        threading.Thread(target=_exit_at_stdin_eof, daemon=True).start()
    owner = os.environ.get("SECURE_LAMBDA_EMULATOR_OWNER")
    if owner:
        threading.Thread(target=_exit_without_owner, args=(int(owner),), daemon=True).start()
    run_simple = werkzeug.serving.run_simple
    werkzeug.serving.run_simple = lambda host, port, app, **options: run_simple(
        host, port, ReplayRetries(app), **options
    )
    sys.argv = sys.argv[1:]
    runpy.run_path(sys.argv[0], run_name="__main__")
