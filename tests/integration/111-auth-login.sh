#!/bin/sh
# 111-auth-login: being written (issue 9).
exit 77
