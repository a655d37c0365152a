# collector/auth.mk: sign-in, roles, sessions, tokens, audit log (issue 9).
