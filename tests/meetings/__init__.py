"""Tests of the meeting-scheduling engine, its .dzn reader, CLI and benchmark section."""
