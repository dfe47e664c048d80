"""``python -m dyad`` runs the command line."""

from dyad.cli import main

if __name__ == "__main__":  # not when a worker process (spawn) imports it
    main()
