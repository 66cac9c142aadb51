"""The JSON API for programs, one router per audience, under /api."""
