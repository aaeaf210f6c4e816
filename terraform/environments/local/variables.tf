variable "aws_endpoint_url" {
  description = "Endpoint of the AWS emulator (moto_server's default port is 5000; `make up` passes the port it started)."
  type        = string
  default     = "http://127.0.0.1:5000"

  validation {
    condition     = can(regex("^https?://[^/]+$", var.aws_endpoint_url))
    error_message = "aws_endpoint_url must look like http://127.0.0.1:5000 (no path)."
  }
}

variable "region" {
  description = "Region the emulator pretends to be."
  type        = string
  default     = "us-east-1"
}

variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  default     = "shop-local"
}

variable "package_dir" {
  description = "Directory of the host-platform function zips the local Lambda runtime executes; null means <repo>/dist/host."
  type        = string
  default     = null
}

variable "lambda_architecture" {
  description = "Architecture recorded on the functions (the local runtime ignores it)."
  type        = string
  default     = "arm64"
}

variable "console_url" {
  description = "Origin of the local web console (`make up` passes http://127.0.0.1:<port>, no trailing slash); null when none runs."
  type        = string
  default     = null

  validation {
    condition     = var.console_url == null || can(regex("^https?://[^/]+$", var.console_url))
    error_message = "console_url must be an origin like http://127.0.0.1:8080 (no path, no trailing slash)."
  }
}
