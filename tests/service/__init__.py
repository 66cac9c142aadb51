"""Tests of the service layer: settings, database, migrations, models and services."""
