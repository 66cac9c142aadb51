"""Server-rendered pages for people, one router per audience."""
