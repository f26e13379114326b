"""What every part of the replica names: its cookies, its page addresses and the court's own
messages (tests match the court's answers by these)."""

from __future__ import annotations

COURT_COOKIE = "CMECF_SESSION"
LOGIN_COOKIE = "PacerSession"
# The Central Sign-On token (from the login page's end or the Authentication API).
CSO_COOKIE = "NextGenCSO"

LOGIN_PAGE = "/csologin/login.jsf"
MFA_PAGE = "/csologin/mfa.jsf"
ENROLL_PAGE = "/csologin/enroll.jsf"
COURT_LOGIN = "/cgi-bin/login.pl"
MAIN_PAGE = "/cgi-bin/ShowIndex.pl"
MENU_PAGE = "/cgi-bin/DisplayMenu.pl"
LINK_PAGE = "/cgi-bin/LinkAccount.pl"

BAD_CMECF_LOGIN = "Invalid CM/ECF login or password."
STALE_CONFIRMATION = "This confirmation is no longer valid. Enter your CM/ECF login and password again."
PACER_ALREADY_LINKED = "Your PACER account is already linked to a CM/ECF account in this court."
CMECF_ALREADY_LINKED = "This CM/ECF account is already linked to a PACER account."

TOKEN_FIELD = "confirm_token"
