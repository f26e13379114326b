"""One attorney at one court: from the court's front page to the verified link.

The flow reads no file and no environment variable: everything arrives in its
arguments. Where to look for what:

    attempt.py   what the flow is given (FlowSettings, FlowDeps) and LinkAttempt, one row's state
    sign_in.py   the court's front page to PACER and back, choosing the sign-in path
    login_page.py     loading PACER's login page; the login host trusted for the row
    sign_in_api_path.py   PACER's Authentication API
    sign_in_page_path.py  the login page and each dialog it opens
    pacer_verdict.py  how PACER's no ends the row, remembered so it is not tried again
    link.py      the link page, the CM/ECF login, the final Submit, looking again, looking only
    redaction.py the operator's acknowledgement of PACER's Redaction Agreement, kept on record
    judge.py     would a careful attorney submit for these names? (pure)
    trust.py     may a secret be typed on this page, or its form posted?

How a step ends (FlowStop, SiteChanged, SessionEnded, TransientFailure) lives in
`web/stops.py`, and origins, redirects and network failures in `web/net.py`: the pages
import those too, and sit below the flow. The words a person reads about how a row ended
come from `words.py`, keyed by outcome and reason. Nothing is re-exported here: import
from the module that owns a name.
"""
