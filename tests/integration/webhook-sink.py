#!/usr/bin/env python3
"""webhook-sink.py: a webhook receiver for the notification tests.

  webhook-sink.py --port PORT --out FILE [--status CODE] [--fail N]

Listens on 127.0.0.1:PORT and appends one JSON line per POST to FILE:
{"path": ..., "authorization": ..., "x_room": ..., "content_type": ...,
 "body": <the posted JSON, parsed>}.  Answers 204, or CODE with --status;
the first N requests with --fail get 503 (a receiver being redeployed).
Writes FILE.ready once listening.
"""
import argparse
import json
import http.server
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--status", type=int, default=204)
    ap.add_argument("--fail", type=int, default=0)
    args = ap.parse_args()
    state = {"fail": args.fail}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(n)
            if state["fail"] > 0:
                state["fail"] -= 1
                self.send_response(503)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            try:
                body = json.loads(raw.decode("utf-8"))
            except ValueError:
                body = {"unparsable": raw.decode("latin-1")}
            rec = {
                "path": self.path,
                "authorization": self.headers.get("Authorization"),
                "x_room": self.headers.get("X-Room"),
                "content_type": self.headers.get("Content-Type"),
                "body": body,
            }
            with open(args.out, "a", encoding="utf-8") as f:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            self.send_response(args.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, fmt, *a):
            sys.stderr.write("webhook-sink: " + (fmt % a) + "\n")

    srv = http.server.HTTPServer(("127.0.0.1", args.port), Handler)
    open(args.out + ".ready", "w").close()
    srv.serve_forever()


if __name__ == "__main__":
    main()
