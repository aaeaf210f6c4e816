# Every consumer's subscriptions, declared once in schemas/consumers.json:
# service -> queue -> { handler, events }. Each consumer queue's filter policy reads its
# `events` from here (local.subscriptions.<service>["<queue>"].events); the handlers'
# dispatch tables and the event catalog read the same file, and
# tests/contract/test_subscriptions.py proves they agree.

locals {
  subscriptions = jsondecode(file("${path.module}/../../schemas/consumers.json")).consumers
}
