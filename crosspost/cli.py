"""The `crosspost` console command: Django's manage.py under a friendlier name."""

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["serve"]:
        # The supervisor only starts and watches processes: loading Django for it would cost a
        # full Django process's memory for nothing.
        from crosspost.serve import main as serve

        serve(sys.argv[2:])
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crosspost.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
