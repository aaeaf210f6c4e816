"""The identity service: the Cognito user pool's triggers (post-confirmation: customers
join the `customer` group)."""
