"""The version facts more than one command prints (`install` names the Playwright it
downloads for, `doctor` lists it), read without importing Playwright."""

from __future__ import annotations

from importlib import metadata


def playwright_version() -> str:
    try:
        return metadata.version("playwright")
    except metadata.PackageNotFoundError:
        return "unknown"
