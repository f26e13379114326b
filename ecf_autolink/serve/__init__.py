"""`autolink serve`: the local page for the people who run the tool.

`security` (the door), `events` (progress pushed to open pages), `workspace` (what the
page works on, through `ecf_autolink.service`) and its parts (`row_views`, `one_run`,
`passcode_boxes`, `roster_upload`, `typed_attorney`, `refused`), `app` (the routes),
`server` (loopback, the first address, Ctrl-C); `templates/` and `static/` beside them, the matrix's own in
`ecf_autolink.views`.
"""
