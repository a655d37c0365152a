#!/usr/bin/env python3
"""httpget.py: a minimal HTTP(S) client for the integration scripts.

  httpget.py [--ca CERT] [--status] URL

Prints the response body and exits 0 for a 2xx answer, 1 otherwise (like
curl -f).  With --status, prints only the status code and exits 0 whenever
an answer came.  With --ca, HTTPS is verified against CERT (a self-signed
test certificate); without it, the system's trust store.  Exits 2 when no
answer came at all (connection refused, TLS failure).  With PANTAU_TEST_TOKEN
in the environment (collector-lib.sh sets it), sends it as a bearer token.
"""
import os
import ssl
import sys
import urllib.error
import urllib.request


def main(argv):
    ca = None
    status_only = False
    args = argv[1:]
    while args and args[0].startswith("--"):
        opt = args.pop(0)
        if opt == "--ca":
            ca = args.pop(0)
        elif opt == "--status":
            status_only = True
        else:
            sys.stderr.write("httpget.py: unknown option %s\n" % opt)
            return 2
    if len(args) != 1:
        sys.stderr.write(__doc__)
        return 2
    ctx = ssl.create_default_context(cafile=ca) if ca else None
    try:
        req = urllib.request.Request(args[0])
        if os.environ.get("PANTAU_TEST_TOKEN"):
            req.add_header("Authorization",
                           "Bearer " + os.environ["PANTAU_TEST_TOKEN"])
        with urllib.request.urlopen(req, timeout=5, context=ctx) as r:
            code, body = r.status, r.read()
    except urllib.error.HTTPError as e:
        code, body = e.code, e.read()
    except (urllib.error.URLError, OSError) as e:
        sys.stderr.write("httpget.py: %s\n" % e)
        return 2
    if status_only:
        print(code)
        return 0
    sys.stdout.write(body.decode("utf-8", "replace"))
    return 0 if 200 <= code < 300 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
