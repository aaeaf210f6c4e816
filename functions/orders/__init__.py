"""The Orders service: orders (REST API), the stock saga's order side, and their events."""
