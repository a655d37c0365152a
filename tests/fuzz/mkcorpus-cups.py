#!/usr/bin/env python3
# mkcorpus-cups.py: writes the seed corpus of fuzz_cups (corpus/cups/):
# IPP responses in the binary encoding of RFC 8010, as CUPS answers
# Get-Jobs and CUPS-Get-Printers.  Run from tests/fuzz/.
import struct

INT, BOOL, ENUM, NOVAL = 0x21, 0x22, 0x23, 0x13
TEXT, NAME, KEYWORD, URI, CHARSET, LANG = 0x41, 0x42, 0x44, 0x45, 0x47, 0x48


def attr(tag, name, *values):
    out = b""
    for i, v in enumerate(values):
        if isinstance(v, int):
            v = struct.pack(">i", v)
        elif isinstance(v, str):
            v = v.encode()
        n = name.encode() if i == 0 else b""
        out += struct.pack(">BH", tag, len(n)) + n + struct.pack(">H", len(v)) + v
    return out


def message(groups, status=0, rid=1):
    out = struct.pack(">BBHI", 2, 0, status, rid)
    out += b"\x01" + attr(CHARSET, "attributes-charset", "utf-8")
    out += attr(LANG, "attributes-natural-language", "en")
    for tag, attrs in groups:
        out += bytes([tag]) + b"".join(attrs)
    return out + b"\x03"


def job(jid, queue, state, pages, user="budi", title="Laporan.pdf"):
    return (0x02, [
        attr(INT, "job-id", jid),
        attr(URI, "job-printer-uri", "ipp://localhost:631/printers/" + queue),
        attr(NAME, "job-originating-user-name", user),
        attr(NAME, "job-name", title),
        attr(INT, "job-impressions-completed", pages),
        attr(INT, "job-media-sheets-completed", pages),
        attr(INT, "copies", 1),
        attr(INT, "job-k-octets", 120),
        attr(INT, "time-at-creation", 1764345600),
        attr(INT, "time-at-completed", 1764345660) if state >= 7
        else attr(NOVAL, "time-at-completed", b""),
        attr(ENUM, "job-state", state),
    ])


def printer(name, model, state, reasons, markers):
    return (0x04, [
        attr(NAME, "printer-name", name),
        attr(URI, "device-uri", "socket://127.0.0.1:9100"),
        attr(TEXT, "printer-make-and-model", model),
        attr(ENUM, "printer-state", state),
        attr(KEYWORD, "printer-state-reasons", *reasons),
        attr(NAME, "marker-names", *[m[0] for m in markers]),
        attr(INT, "marker-levels", *[m[1] for m in markers]),
    ])


seeds = {
    "jobs": message([job(1, "lab-laser", 9, 3), job(2, "lab-laser", 9, 0),
                     job(3, "lobby", 7, 0), job(4, "lobby", 5, 0,
                                               title="Surat \u00e9")]),
    "printers": message([
        printer("lab-laser", "HP LaserJet 400 M401", 3,
                ["toner-low-report", "media-jam-error"],
                [("Black Toner", 35), ("Drum", -2)]),
        printer("lobby", "Local Raw Printer", 5, ["offline-report",
                                                  "paused", "cups-missing-filter-warning"],
                [("Cyan", 100), ("Magenta", 0), ("Yellow", -1), ("Black", 101)]),
        printer("office", "Generic PCL", 4, ["none"], []),
    ]),
    "mixed": message([job(10, "lab-laser", 9, 12),
                      printer("lab-laser", "HP", 3, ["door-open-error",
                                                     "com.vendor.thing", "marker-supply-empty-warning"],
                              [("Black", 5)])]),
    "empty": message([]),
}
for k, v in seeds.items():
    with open("corpus/cups/" + k, "wb") as f:
        f.write(v)
