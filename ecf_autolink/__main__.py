"""`python -m ecf_autolink` runs the same CLI as `autolink`."""

from .cli import main

main(prog_name="autolink")
