"""What every service repeats: event envelope, contracts, publishing, consuming, auth, HTTP
errors and observability. Nothing domain-specific lives here."""
