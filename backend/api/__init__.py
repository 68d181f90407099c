"""Platform pieces every API endpoint shares: casing, problem details, headers, schema."""
