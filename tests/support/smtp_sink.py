#!/usr/bin/python3
"""A real SMTP server for the HTTP tests (Debian's python3-aiosmtpd).

    /usr/bin/python3 tests/support/smtp_sink.py --port PORT --dir DIR [--user U --password P]

Every accepted message is written to DIR/<time>-<n>.eml (temporary name, then renamed) with
the envelope beside it in DIR/<time>-<n>.json ({"mail_from", "rcpt_tos", "auth_login"}). With --user,
AUTH PLAIN/LOGIN is offered without TLS (tests only) and required before MAIL FROM.
Prints "ready <port>" on stdout once listening; stops on SIGTERM or SIGINT.
"""
import argparse
import itertools
import json
import os
import signal
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.counter = itertools.count(1)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            n = next(self.counter)
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "auth_login": login}
        base = os.path.join(self.folder, f"{time.time_ns()}-{n:04d}")
        with open(base + ".json", "w") as f:
            json.dump(meta, f)
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(base + ".tmp", base + ".eml")
        return "250 Message accepted for delivery"


def make_authenticator(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
              and auth_data.password.decode() == password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)
    return authenticate


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    options = {}
    if args.user:
        options = dict(authenticator=make_authenticator(args.user, args.password),
                       auth_require_tls=False, auth_required=True)
    controller = Controller(Sink(args.dir), hostname="127.0.0.1", port=args.port, **options)
    controller.start()
    print(f"ready {args.port}", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    controller.stop()


if __name__ == "__main__":
    main()
