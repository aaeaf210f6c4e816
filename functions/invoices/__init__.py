"""Invoices: a PDF in S3 for every confirmed order, and its REST API."""
