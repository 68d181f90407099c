"""Data subjects' rights (AVG): everything the service holds about one person, exported
for legal staff to hand over (art. 15)."""
