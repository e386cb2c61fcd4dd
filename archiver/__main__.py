"""`python -m archiver`: the same command line as the `archiver` script."""

from .launch import main

main()
