# Every output of the stack, passed through whole: each is declared once, in
# terraform/stack/outputs.tf (names and descriptions there); this environment adds only
# its own. Readers flatten `stack` beside them (scripts/localcloud/terraform_runner.py,
# tests/e2e/endpoints.py). Locally rest_url and websocket_url are the URLs AWS would
# serve: the local runtime serves both APIs on its own ports (.local/endpoints.json).

# No stack output is sensitive; should one become so, Terraform refuses this output until
# it says `sensitive = true` (which then hides all of them from the CLI's summary, not
# from `terraform output -json`): better keep secrets out of outputs.
output "stack" {
  description = "Every output of the stack (terraform/stack/outputs.tf), by name: rest_url, user_pool_id, function_names, dead_letter_queue_urls, ..."
  value       = module.stack
}

output "aws_endpoint_url" {
  description = "Endpoint of the emulator the stack lives in."
  value       = var.aws_endpoint_url
}
