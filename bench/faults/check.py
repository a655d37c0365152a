#!/usr/bin/env python3
"""bench/faults/check.py: the fault campaign's accounting (bench/40).

    check.py AUDIT_LOG RRD_DIR SITE DEVICE...

AUDIT_LOG is what a persistent QoS 1 subscriber to pantau/v1/# saw
("TOPIC PAYLOAD" lines, mosquitto_sub -v), across every broker restart.
RRD_DIR is the collector's DATA/rrd.  Prints "key value" lines.

Published, per device: every seq from 1 to the highest that reached the
broker, less the agent's own count of what it could not keep
(agent.spool.dropped of its newest message: a full disk under the spool).
A seq is contiguous by design (docs/agent.md), so any other gap is a loss.

Stored: RRD keeps one value per step, so a sample cannot be stored twice;
it is stored when the row of its time stamp holds a value in its file.
Two things of RRD itself are accounted for (docs/bench.md, "Fault
campaign"):
  - a sample right after a gap longer than the heartbeat (2 steps: the
    agent was down), and the first sample of a counter file, leave their
    own row unknown; such a sample was written when the row of the next
    sample, one step later, holds a value (the next update could not
    have one otherwise); when there is no such next sample it is counted
    as unverifiable.
  - a single missing sample between two stored ones is filled by the next
    one (heartbeat 2 steps): that is invisible here.
"""
import json
import math
import os
import subprocess
import sys


def load_audit(path, site, devices):
    msgs = {d: {} for d in devices}
    redelivered = 0
    for line in open(path, errors="replace"):
        topic, _, payload = line.rstrip("\n").partition(" ")
        parts = topic.split("/")
        if len(parts) != 5 or parts[2] != site or parts[4] != "metrics":
            continue
        d = parts[3]
        if d not in msgs:
            continue
        try:
            m = json.loads(payload)
        except ValueError:
            continue
        if m["seq"] in msgs[d]:
            redelivered += 1
            if msgs[d][m["seq"]]["ts"] != m["ts"]:
                print("seq_reused %s %d" % (d, m["seq"]))
            continue
        msgs[d][m["seq"]] = m
    return msgs, redelivered


def fetch(path, start, end):
    out = subprocess.run(["rrdtool", "fetch", path, "AVERAGE", "-r", "1",
                          "-s", str(start), "-e", str(end)],
                         capture_output=True, text=True)
    rows = {}
    if out.returncode != 0:
        return None
    for line in out.stdout.splitlines():
        ts, sep, v = line.partition(":")
        if not sep or not ts.strip().isdigit():
            continue
        v = v.strip()
        rows[int(ts)] = None if "nan" in v.lower() else float(v)
    return rows


def main():
    audit, rrd, site = sys.argv[1], sys.argv[2], sys.argv[3]
    devices = sys.argv[4:]
    msgs, redelivered = load_audit(audit, site, devices)
    tot = dict(published_rounds=0, published_samples=0, dropped_counted=0,
               never_at_broker=0, stored=0, stored_after_gap=0, lost=0,
               unverifiable=0, no_file=0)
    lost_where = []
    lost_files = set()
    for d in devices:
        m = msgs[d]
        if not m:
            print("device_without_messages %s" % d)
            continue
        hi = max(m)
        dropped = int(m[hi]["counters"].get("agent.spool.dropped", 0))
        gaps = sorted(set(range(1, hi + 1)) - set(m))
        # the count covers every record (events, inventory too): the
        # gaps it explains are at most the gaps there are
        explained = min(dropped, len(gaps))
        tot["dropped_counted"] += explained
        # gaps the agent did not count: lost before or at the broker
        unexplained = len(gaps) - explained
        tot["never_at_broker"] += unexplained
        tot["published_rounds"] += len(m) + unexplained
        seqs = sorted(m)
        ts_list = [m[s]["ts"] for s in seqs]
        names = set()
        for s in seqs:
            names.update(("g", n) for n in m[s]["gauges"])
            names.update(("c", n) for n in m[s]["counters"])
        per_round = len(names)
        tot["published_samples"] += (len(m) + unexplained) * per_round
        tot["lost"] += unexplained * per_round
        first, last = ts_list[0], ts_list[-1]
        for kind, name in sorted(names):
            f = os.path.join(rrd, site, d, name + ".rrd")
            rows = fetch(f, first - 2, last) if os.path.exists(f) else None
            have = [s for s in seqs if name in
                    m[s]["gauges" if kind == "g" else "counters"]]
            if rows is None:
                tot["no_file"] += len(have)
                tot["lost"] += len(have)
                continue
            hts = [m[s]["ts"] for s in have]
            for i, s in enumerate(have):
                t = hts[i]
                v = rows.get(t)
                if v is not None and not math.isnan(v):
                    tot["stored"] += 1
                    continue
                prev = hts[i - 1] if i > 0 else None
                nxt = hts[i + 1] if i + 1 < len(hts) else None
                after_gap = prev is None or t - prev > 2
                if after_gap and nxt is not None and nxt - t == 1 and \
                        rows.get(nxt) is not None:
                    tot["stored"] += 1
                    tot["stored_after_gap"] += 1
                elif after_gap and (nxt is None or nxt - t > 1):
                    tot["unverifiable"] += 1
                else:
                    tot["lost"] += 1
                    lost_files.add("%s/%s/%s.rrd" % (site, d, name))
                    if len(lost_where) < 20:
                        lost_where.append("%s/%s@%d(seq %d)" % (d, name, t, s))
    tot["redelivered"] = redelivered
    # a sample can be written once per step at most: RRD refuses the rest
    tot["duplicated"] = 0
    for k in ("published_rounds", "published_samples", "dropped_counted",
              "never_at_broker", "stored", "stored_after_gap", "lost",
              "unverifiable", "no_file", "redelivered", "duplicated"):
        print("%s %d" % (k, tot[k]))
    if lost_where:
        print("lost_examples %s" % " ".join(lost_where))
        print("lost_files %s" % " ".join(sorted(lost_files)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
