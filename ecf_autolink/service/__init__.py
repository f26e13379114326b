"""What `autolink plan`, `autolink apply` and the page of `autolink serve` are made of.

One engine with two faces: the command line and the page call these functions, so one
roster gives the same rows, the same plan, the same approvals in the journal and the
same reports either way. Nothing here prints, prompts or reads the environment: the
caller hands over what the person said (approvals, passcodes, the Redaction answer).

- `rows`: a roster's attorneys and the courts' addresses as the run's rows;
- `looking`: a dry run's results as a plan, written beside the journal;
- `linking`: a plan's approved rows as an approval the flow asks before each Submit;
- `running`: one run of rows on the runner, and the reports afterwards.
"""

from __future__ import annotations

from .linking import Linking, approval_for, approve_rows, note_approvers, recorded_approvals
from .looking import plan_of, save_plan
from .rows import RowsProblem, court_addresses, rows_for
from .running import court_name, reports_from_journal, run, write_run_reports

__all__ = [
    "Linking",
    "RowsProblem",
    "approval_for",
    "approve_rows",
    "court_addresses",
    "court_name",
    "note_approvers",
    "plan_of",
    "recorded_approvals",
    "reports_from_journal",
    "rows_for",
    "run",
    "save_plan",
    "write_run_reports",
]
