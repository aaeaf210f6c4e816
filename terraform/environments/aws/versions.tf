terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }

  # Partial configuration: the bucket, key and region come from a file kept per
  # account, see backend.hcl.example and README.md:
  #   terraform init -backend-config=backend.hcl
  backend "s3" {}
}
