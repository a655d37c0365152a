# collector/cups.mk: print accounting from CUPS (issue 6).
