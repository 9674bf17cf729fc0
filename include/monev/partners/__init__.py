"""What monev tells partners: receipts for what they send, a report card after each
publication, and pre-filled report templates (docs/partners.md)."""
