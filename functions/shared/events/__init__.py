"""Events: the CloudEvents envelope, publishing to SNS, consuming from SQS."""
