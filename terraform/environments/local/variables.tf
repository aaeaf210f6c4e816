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
  description = "Origin of the local web console (`make up` passes its server's http://127.0.0.1:<port>); the REST API admits browser calls from it (CORS) and e-mails link to it. Null: no console."
  type        = string
  default     = null
}
