"""`make load`: Locust scenarios against the local cloud or an AWS stage, bounded in users,
request rate and time, followed by checks that no order was lost, nothing was oversold and
every outcome was invoiced and e-mailed exactly once. See docs/load-testing.md."""
