#!/usr/bin/env python
from crosspost.cli import main

if __name__ == "__main__":
    main()
