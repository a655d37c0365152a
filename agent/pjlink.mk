# agent/pjlink.mk: PJLink polling of projectors (issue 4).
