"""`python -m fakegallery` runs the command line."""

from .cli import main

main()
