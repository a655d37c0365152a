#!/usr/bin/env python3
"""smtp-sink.py: a local SMTP server (aiosmtpd) for the notification tests.

  smtp-sink.py --port PORT --dir DIR

Listens on 127.0.0.1:PORT and stores every message it accepts as
DIR/N.eml (the data exactly as received) and DIR/N.env (JSON:
{"from": MAIL FROM, "to": [RCPT TO ...]}), N counting from 1.  Writes
DIR/ready once listening; stops on SIGTERM.
"""
import argparse
import json
import os
import signal
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, d):
        self.dir = d
        self.n = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.n += 1
            n = self.n
        base = os.path.join(self.dir, str(n))
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".env", "w") as f:
            json.dump({"from": envelope.mail_from,
                       "to": envelope.rcpt_tos}, f)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 OK"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    ctl = Controller(Sink(args.dir), hostname="127.0.0.1", port=args.port)
    ctl.start()
    open(os.path.join(args.dir, "ready"), "w").close()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    stop.wait()
    ctl.stop()


if __name__ == "__main__":
    main()
