"""`python -m archiver`: the same command line as the `archiver` script."""

from .cli import main

main()
