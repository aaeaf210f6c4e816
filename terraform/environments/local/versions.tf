terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }

  # State stays on the developer's machine: the emulator forgets everything when it stops.
  backend "local" {}
}
