# agent/snmp.mk: SNMP polling of printers, switches and PCs (issue 4).
