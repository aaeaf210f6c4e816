"""A Docker-free local cloud: moto in server mode plus a local Lambda runtime.

It learns what Terraform deployed only through AWS APIs on the emulator and runs the
packaged function code (host-platform zips) in worker processes that speak the Lambda
Runtime API through AWS's own runtime interface client (awslambdaric).
"""
