"""The REST API's OpenAPI document, exported from the services' Powertools resolvers."""
