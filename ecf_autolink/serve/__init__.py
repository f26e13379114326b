"""`autolink serve`: the local page for the people who run the tool.

`security` (the door), `events` (progress pushed to open pages), `workspace` (what the
page works on, through `ecf_autolink.service`), `app` (the routes), `server` (loopback,
the first address, Ctrl-C); `templates/` and `static/` beside them, the matrix's own in
`ecf_autolink.views`.
"""
