# collector/notify.mk: notifications: mail, webhook, exec (issue 7).
