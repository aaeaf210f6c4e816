"""The Products service: the catalog (REST API) and its events (DynamoDB stream -> SNS)."""
