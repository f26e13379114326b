"""The court's public CM/ECF front page."""

from __future__ import annotations

from .base import PageKit


async def filing_system_link(kit: PageKit) -> str:
    """Where "Document Filing System" leads; followed by address so a 5xx can be retried."""
    return await kit.href_of("court_front.document_filing_system")
