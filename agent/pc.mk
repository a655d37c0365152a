# agent/pc.mk: the PC samplers (pc_*.c), their fixtures and unit tests.
