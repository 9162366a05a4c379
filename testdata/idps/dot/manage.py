#!/usr/bin/python3
"""Django management entry point of the implicitspec test fixture for Django OAuth Toolkit."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dotsite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
