#!/usr/bin/env python3
"""netns-impair.py: a userspace netem for the link tests (issue 14).

This machine's kernel has no sch_netem, so the tests cannot add delay or loss
with tc.  Instead the router namespace routes a target's packets into a TUN
device; this program reads every packet from it, drops some, and writes the
rest back after a fixed delay.  Policy routing in the router namespace sends
what comes out of the TUN on to the target (netns-lib.sh sets that up).

Loss is a seeded, deterministic pattern, not a coin per packet: in every
block of --block consecutive packets exactly round(loss * block / 100) are
dropped, at positions drawn from random.Random(seed).  So 30 % loss over 20
packets drops exactly 6 (when the probes start on a block boundary), and a
test can assert a tight band instead of a binomial one.

Only packets to --dst (the target's address) are impaired and counted; any
other packet the router's own stack sends into the TUN (IPv6 MLD reports and
the like) is discarded uncounted, so it cannot shift the loss pattern.

Usage: netns-impair.py TUN DELAY_MS LOSS_PCT --dst ADDR [--seed N]
       [--block N] [--stats FILE]
Runs until SIGTERM; prints "impair: forwarded=N dropped=M" on every change
(at most once a second) and at exit, and writes the same line to --stats.
"""

import argparse
import collections
import fcntl
import os
import random
import select
import signal
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    ifr = struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI)
    fcntl.ioctl(fd, TUNSETIFF, ifr)
    return fd


class Loss:
    """Which packets of each block to drop, drawn from a seeded generator."""

    def __init__(self, pct, block, seed):
        self.rng = random.Random(seed)
        self.block = block
        self.k = int(round(pct * block / 100.0))
        self.n = 0
        self.drop = set()

    def lose(self):
        if self.n % self.block == 0:
            self.drop = set(self.rng.sample(range(self.block), self.k))
        pos = self.n % self.block
        self.n += 1
        return pos in self.drop


def to_target(pkt, dst):
    """Whether the raw IP packet is addressed to dst (packed)."""
    if len(dst) == 4:
        return len(pkt) >= 20 and pkt[0] >> 4 == 4 and pkt[16:20] == dst
    return len(pkt) >= 40 and pkt[0] >> 4 == 6 and pkt[24:40] == dst


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tun")
    ap.add_argument("delay_ms", type=float)
    ap.add_argument("loss_pct", type=float)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--block", type=int, default=10)
    ap.add_argument("--stats")
    ap.add_argument("--dst", required=True)
    a = ap.parse_args()

    fam = socket.AF_INET6 if ":" in a.dst else socket.AF_INET
    dst = socket.inet_pton(fam, a.dst)
    fd = open_tun(a.tun)
    loss = Loss(a.loss_pct, a.block, a.seed)
    delay = a.delay_ms / 1000.0
    queue = collections.deque()  # (due, packet); FIFO since delay is fixed
    fwd = drop = 0
    shown = (0, 0)
    last_show = 0.0
    running = [True]

    def stop(_sig, _frame):
        running[0] = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def show():
        line = "impair: forwarded=%d dropped=%d" % (fwd, drop)
        print(line, flush=True)
        if a.stats:
            with open(a.stats + ".tmp", "w") as f:
                f.write(line + "\n")
            os.replace(a.stats + ".tmp", a.stats)

    print("impair: %s delay=%gms loss=%g%% seed=%d block=%d" %
          (a.tun, a.delay_ms, a.loss_pct, a.seed, a.block), flush=True)
    show()
    while running[0]:
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            try:
                os.write(fd, queue.popleft()[1])
                fwd += 1
            except OSError:
                pass  # the route went away (a cut link): the packet is lost
        timeout = 1.0
        if queue:
            timeout = max(0.0, queue[0][0] - now)
        try:
            r, _, _ = select.select([fd], [], [], timeout)
        except InterruptedError:
            continue
        if r:
            try:
                pkt = os.read(fd, 65536)
            except OSError:
                continue
            if not to_target(pkt, dst):
                continue
            if loss.lose():
                drop += 1
            else:
                queue.append((time.monotonic() + delay, pkt))
        if (fwd, drop) != shown and time.monotonic() - last_show >= 1.0:
            show()
            shown = (fwd, drop)
            last_show = time.monotonic()
    show()
    return 0


if __name__ == "__main__":
    sys.exit(main())
