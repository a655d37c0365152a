# collector/alerts.mk: alerts and tickets (issue 7).
