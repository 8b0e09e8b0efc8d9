"""healthpulse package."""
