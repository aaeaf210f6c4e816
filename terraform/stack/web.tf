# Placeholder from branch `console` so that it applies on its own: branch cors-hosting
# owns this file (console hosting, CORS for local.console_url, the e-mail link) and its
# version replaces this one at merge.

variable "console_url" {
  description = "The web console's base URL when the stack does not host it (locally http://127.0.0.1:<port>, no trailing slash); null when there is none."
  type        = string
  default     = null

  validation {
    condition     = var.console_url == null || can(regex("^https?://[^/]+$", var.console_url))
    error_message = "console_url must be an origin like https://shop.example.com (no path, no trailing slash)."
  }
}
