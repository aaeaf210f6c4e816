# Every output of the stack, passed through whole: each is declared once, in
# terraform/stack/outputs.tf (names and descriptions there). Readers flatten `stack`
# beside this environment's own outputs (scripts/localcloud/terraform_runner.py,
# tests/e2e/endpoints.py):
#
#   terraform output -json stack | jq -r .web_url

# No stack output is sensitive; should one become so, Terraform refuses this output until
# it says `sensitive = true` (which then hides all of them from the CLI's summary, not
# from `terraform output -json`): better keep secrets out of outputs.
output "stack" {
  description = "Every output of the stack (terraform/stack/outputs.tf), by name: rest_url, websocket_url, user_pool_id, function_names, dead_letter_queue_urls, web_url, ..."
  value       = module.stack
}
