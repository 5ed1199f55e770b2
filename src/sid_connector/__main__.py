"""``python -m sid_connector`` runs the command line."""

from sid_connector.cli import main

if __name__ == "__main__":
    main()
