"""Alembic migrations of the service's database (run through matchmaker.db.upgrade_to_head)."""
