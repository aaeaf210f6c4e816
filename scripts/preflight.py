"""Checks an AWS account and Region before the first deploy (read-only calls only).

    python scripts/preflight.py --region eu-west-1 --sender shop@example.org \\
        --recipient alice@example.org \\
        --backend-config terraform/environments/aws/backend.hcl
    make preflight PREFLIGHT_ARGS="--region eu-west-1 --sender shop@example.org ..."

What makes a first deploy fail, or deploy and then silently not work:

- ``lambda-concurrency``: fails when the account cannot run the stack (fewer than 10
  unreserved executions); warns below ``--min-concurrency`` (100): bursts get throttled.
- ``ses-sending``: fails when SES sending is paused for the account in this Region.
- ``ses-sender``: fails when the sender (``--sender``), or its domain, is not verified:
  no e-mail would leave.
- ``ses-recipients``: in the SES sandbox, fails when a ``--recipient`` is not verified
  (warns when none is given).
- ``region-services``: fails when a service the stack uses has no endpoint in the Region.
- ``state-backend``: fails when the state bucket is missing or unreachable, unversioned,
  unencrypted, in another Region, or ``use_lockfile`` is not set.

Each failing or warning check prints what to do. Exits 1 when a check fails (``--strict``:
also when one warns), 0 otherwise. Credentials and Region come from the usual AWS
configuration (profile, environment); ``--endpoint-url`` points at an emulator.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

# Every service the stack deploys or calls, as botocore names it.
STACK_SERVICES = (
    "apigateway",  # REST API
    "apigatewayv2",  # WebSocket API (its @connections endpoint comes with it)
    "cloudwatch",
    "cognito-idp",
    "dynamodb",
    "dynamodbstreams",
    "events",  # the import sweeper's schedule
    "kms",
    "lambda",
    "logs",
    "s3",
    "sesv2",
    "sns",
    "sqs",
    "wafv2",
    "xray",
)
# Global services: their endpoint is not per Region.
GLOBAL_SERVICES = ("iam", "sts")

LAMBDA_CONCURRENCY_QUOTA = "L-B99A9384"  # Service Quotas: Lambda "Concurrent executions"
# Lambda always keeps 10 executions unreserved; the stack reserves none, so 10 deploys.
MINIMUM_CONCURRENCY = 10


class Status(StrEnum):
    PASS = "PASS"
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Result:
    check: str
    status: Status
    detail: str
    fix: str = ""


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


# -- Lambda concurrency --


def check_lambda_concurrency(
    lambda_client: Any, quotas_client: Any, min_concurrency: int = 100
) -> Result:
    settings = lambda_client.get_account_settings()["AccountLimit"]
    limit = int(settings["ConcurrentExecutions"])
    unreserved = int(settings["UnreservedConcurrentExecutions"])
    detail = f"concurrency quota {limit} ({unreserved} unreserved)"
    pending = _pending_concurrency_request(quotas_client)
    if pending:
        detail += f"; increase to {pending} requested"
    request = (
        "request more: Service Quotas > AWS Lambda > Concurrent executions "
        f"(aws service-quotas request-service-quota-increase --service-code lambda "
        f"--quota-code {LAMBDA_CONCURRENCY_QUOTA} --desired-value 1000)"
    )
    if unreserved < MINIMUM_CONCURRENCY:
        return Result(
            "lambda-concurrency",
            Status.FAIL,
            detail,
            "other functions of the account reserve too much: release reserved concurrency "
            f"there, or {request}",
        )
    if limit < min_concurrency:
        return Result(
            "lambda-concurrency",
            Status.WARN,
            detail + f": the stack deploys, but more than {limit} concurrent invocations "
            "(16 functions, SQS and stream pollers) get throttled",
            request,
        )
    return Result("lambda-concurrency", Status.PASS, detail)


def _pending_concurrency_request(quotas_client: Any) -> float | None:
    """The desired value of an open quota increase request, if any (best effort)."""
    try:
        history = quotas_client.list_requested_service_quota_change_history_by_quota(
            ServiceCode="lambda", QuotaCode=LAMBDA_CONCURRENCY_QUOTA
        )
    except (ClientError, BotoCoreError):
        return None
    for request in history.get("RequestedQuotas", []):
        if request.get("Status") in {"PENDING", "CASE_OPENED"}:
            return float(request["DesiredValue"])
    return None


# -- SES --


def check_ses(sesv2_client: Any, sender: str | None, recipients: Sequence[str]) -> list[Result]:
    account = sesv2_client.get_account()
    results = []
    if not account.get("SendingEnabled", False):
        results.append(
            Result(
                "ses-sending",
                Status.FAIL,
                "SES sending is paused for this account in this Region",
                "see the SES console's reputation dashboard and ask AWS Support to resume "
                "sending (aws sesv2 put-account-sending-attributes --sending-enabled)",
            )
        )
    else:
        results.append(Result("ses-sending", Status.PASS, "sending enabled"))
    sandbox = not account.get("ProductionAccessEnabled", False)
    if sender is None:
        results.append(
            Result(
                "ses-sender",
                Status.WARN,
                "no --sender given (the stack's sender_email)",
                "run again with --sender <the sender_email you deploy with>",
            )
        )
    else:
        results.append(_identity_result(sesv2_client, "ses-sender", sender, sender_check=True))
    if not sandbox:
        results.append(Result("ses-recipients", Status.PASS, "production access: any recipient"))
    elif not recipients:
        results.append(
            Result(
                "ses-recipients",
                Status.WARN,
                "the account is in the SES sandbox: mail reaches verified addresses only",
                "verify each test recipient (aws sesv2 create-email-identity --email-identity "
                "<address>, then click the link) and pass them as --recipient; for real "
                "customers request production access (SES console > Account dashboard)",
            )
        )
    else:
        unverified = [
            address
            for address in recipients
            if _identity_result(sesv2_client, "ses-recipients", address).status is not Status.PASS
        ]
        if unverified:
            results.append(
                Result(
                    "ses-recipients",
                    Status.FAIL,
                    "SES sandbox, and not verified: " + ", ".join(unverified),
                    "verify them (aws sesv2 create-email-identity --email-identity <address>, "
                    "then click the link AWS mails) or request production access",
                )
            )
        else:
            results.append(
                Result("ses-recipients", Status.PASS, "SES sandbox; every recipient verified")
            )
    return results


def _identity_verified(sesv2_client: Any, identity: str) -> bool | None:
    """True/False when the identity exists (verified or not), None when it does not."""
    try:
        found = sesv2_client.get_email_identity(EmailIdentity=identity)
    except ClientError as error:
        if _error_code(error) in {"NotFoundException", "NotFound"}:
            return None
        raise
    return bool(found.get("VerifiedForSendingStatus", False))


def _identity_result(
    sesv2_client: Any, check: str, address: str, *, sender_check: bool = False
) -> Result:
    domain = address.rpartition("@")[2]
    verified = _identity_verified(sesv2_client, address)
    if verified is not True and _identity_verified(sesv2_client, domain) is True:
        return Result(check, Status.PASS, f"{address}: its domain {domain} is verified")
    if verified is True:
        return Result(check, Status.PASS, f"{address} is verified")
    state = "not created yet" if verified is None else "created but not verified"
    fix = (
        f"terraform apply creates the identity (sender_email) and AWS mails {address} a "
        "link: click it (or verify the domain with DKIM); until then no e-mail is sent"
        if sender_check
        else f"aws sesv2 create-email-identity --email-identity {address}, then click the link"
    )
    return Result(check, Status.FAIL, f"{address} is {state}", fix)


# -- Region support --


def check_region_services(
    region: str,
    services: Iterable[str] = STACK_SERVICES,
    available_regions: Callable[[str], list[str]] | None = None,
) -> Result:
    """Every service the stack uses has an endpoint in the Region (botocore's endpoint
    data: no call leaves the machine)."""
    regions_of = available_regions or boto3.session.Session().get_available_regions
    partition = _partition_of(region)
    missing = [
        service
        for service in services
        if region not in regions_of(service)
        and region not in _regions_in_partition(regions_of, service, partition)
    ]
    if missing:
        return Result(
            "region-services",
            Status.FAIL,
            f"{region} lacks: {', '.join(missing)}",
            "deploy to a Region offering every service (for example eu-west-1, us-east-1): "
            "terraform apply -var region=<region>",
        )
    return Result("region-services", Status.PASS, f"all {len(list(services))} services in {region}")


def _partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def _regions_in_partition(
    regions_of: Callable[..., list[str]], service: str, partition: str
) -> list[str]:
    if partition == "aws":
        return []
    try:
        return list(regions_of(service, partition_name=partition))
    except TypeError:
        return []


# -- Terraform state backend --


def parse_backend_config(text: str) -> dict[str, str]:
    """``key = "value"`` lines of a backend.hcl (comments and blanks skipped)."""
    settings = {}
    for line in text.splitlines():
        match = re.match(r'^\s*([A-Za-z_]+)\s*=\s*("([^"]*)"|[A-Za-z0-9_.-]+)', line)
        if match:
            settings[match.group(1)] = (
                match.group(3) if match.group(3) is not None else match.group(2)
            )
    return settings


def check_state_backend(s3_client: Any, bucket: str, region: str, use_lockfile: bool) -> Result:
    problems: list[str] = []
    fixes: list[str] = []
    try:
        s3_client.head_bucket(Bucket=bucket)
    except ClientError as error:
        code = _error_code(error)
        if code in {"404", "NoSuchBucket", "NotFound"}:
            return Result(
                "state-backend",
                Status.FAIL,
                f"bucket {bucket} does not exist",
                f"aws s3api create-bucket --bucket {bucket} --region {region}"
                + (
                    ""
                    if region == "us-east-1"
                    else f" --create-bucket-configuration LocationConstraint={region}"
                )
                + f"; aws s3api put-bucket-versioning --bucket {bucket} "
                "--versioning-configuration Status=Enabled",
            )
        return Result(
            "state-backend",
            Status.FAIL,
            f"bucket {bucket}: no access ({code or error})",
            "use credentials allowed s3:ListBucket, s3:GetObject, s3:PutObject and "
            "s3:DeleteObject (the lock file) on the bucket, or pick a bucket of this account",
        )
    location = s3_client.get_bucket_location(Bucket=bucket).get("LocationConstraint") or "us-east-1"
    if location != region:
        problems.append(f"it is in {location}, the backend says {region}")
        fixes.append(f'set region = "{location}" in backend.hcl')
    versioning = s3_client.get_bucket_versioning(Bucket=bucket).get("Status")
    if versioning != "Enabled":
        problems.append("versioning is off (a bad apply could not be undone)")
        fixes.append(
            f"aws s3api put-bucket-versioning --bucket {bucket} "
            "--versioning-configuration Status=Enabled"
        )
    try:
        s3_client.get_bucket_encryption(Bucket=bucket)
    except ClientError as error:
        if _error_code(error) != "ServerSideEncryptionConfigurationNotFoundError":
            raise
        problems.append("no default encryption (state holds secrets)")
        fixes.append(
            f"aws s3api put-bucket-encryption --bucket {bucket} --server-side-encryption-"
            'configuration \'{"Rules":[{"ApplyServerSideEncryptionByDefault":'
            '{"SSEAlgorithm":"aws:kms"}}]}\''
        )
    if not use_lockfile:
        problems.append("use_lockfile is not set (concurrent applies could corrupt the state)")
        fixes.append(
            "add use_lockfile = true to backend.hcl (S3-native locking, Terraform >= 1.10)"
        )
    if problems:
        return Result(
            "state-backend", Status.FAIL, f"{bucket}: " + "; ".join(problems), "; ".join(fixes)
        )
    return Result(
        "state-backend", Status.PASS, f"{bucket} in {region}: versioned, encrypted, lock file"
    )


# -- the command --


def run_checks(args: argparse.Namespace, session: boto3.session.Session) -> list[Result]:
    def client(service: str) -> Any:
        return session.client(  # type: ignore[call-overload]
            service, region_name=args.region, endpoint_url=args.endpoint_url
        )

    checks: list[tuple[str, Callable[[], Result | list[Result]]]] = [
        (
            "lambda-concurrency",
            lambda: check_lambda_concurrency(
                client("lambda"), client("service-quotas"), args.min_concurrency
            ),
        ),
        ("ses", lambda: check_ses(client("sesv2"), args.sender, args.recipient)),
        ("region-services", lambda: check_region_services(args.region)),
    ]
    backend = _backend_settings(args)
    if backend is None:
        checks.append(
            (
                "state-backend",
                lambda: Result(
                    "state-backend",
                    Status.WARN,
                    "no --backend-config or --state-bucket given",
                    "copy terraform/environments/aws/backend.hcl.example to backend.hcl, edit "
                    "it, and pass --backend-config",
                ),
            )
        )
    else:
        bucket, region, lockfile = backend
        checks.append(
            (
                "state-backend",
                lambda: check_state_backend(
                    session.client("s3", region_name=region, endpoint_url=args.endpoint_url),
                    bucket,
                    region,
                    lockfile,
                ),
            )
        )
    results: list[Result] = []
    for name, check in checks:
        try:
            outcome = check()
        except Exception as error:  # a check that cannot run is a failed check
            outcome = Result(
                name,
                Status.FAIL,
                f"could not check: {error}",
                "use credentials of the target account allowed the read-only calls this "
                "check makes (see scripts/preflight.py)",
            )
        results.extend(outcome if isinstance(outcome, list) else [outcome])
    return results


def _backend_settings(args: argparse.Namespace) -> tuple[str, str, bool] | None:
    if args.backend_config is not None:
        settings = parse_backend_config(Path(args.backend_config).read_text())
        if "bucket" not in settings:
            raise SystemExit(f"{args.backend_config}: no bucket = ... line")
        return (
            settings["bucket"],
            settings.get("region", args.region),
            settings.get("use_lockfile", "false") == "true",
        )
    if args.state_bucket is not None:
        return args.state_bucket, args.region, True
    return None


def report(results: Sequence[Result], out: Any = None) -> None:
    out = out or sys.stdout
    width = max(len(result.check) for result in results)
    for result in results:
        print(f"{result.status.value}  {result.check:<{width}}  {result.detail}", file=out)
        if result.fix:
            print(f"      {'':<{width}}  -> {result.fix}", file=out)


def exit_code(results: Sequence[Result], strict: bool = False) -> int:
    failing = {Status.FAIL, Status.WARN} if strict else {Status.FAIL}
    return 1 if any(result.status in failing for result in results) else 0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--region", default=None, help="Region to deploy to (default: the profile's)"
    )
    parser.add_argument("--profile", default=None, help="AWS profile")
    parser.add_argument("--endpoint-url", default=None, help="an emulator's endpoint")
    parser.add_argument("--sender", default=None, help="the stack's sender_email")
    parser.add_argument(
        "--recipient", action="append", default=[], help="a test recipient (repeatable)"
    )
    parser.add_argument("--backend-config", default=None, help="the backend.hcl you init with")
    parser.add_argument("--state-bucket", default=None, help="the state bucket (no backend.hcl)")
    parser.add_argument(
        "--min-concurrency",
        type=int,
        default=100,
        help="warn below this Lambda concurrency quota (default 100)",
    )
    parser.add_argument("--strict", action="store_true", help="warnings fail too")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    session = boto3.session.Session(profile_name=args.profile, region_name=args.region)
    args.region = args.region or session.region_name
    if not args.region:
        print("no Region: pass --region or configure one (AWS_REGION)", file=sys.stderr)
        return 2
    results = run_checks(args, session)
    report(results)
    code = exit_code(results, args.strict)
    print("\npreflight " + ("FAILED: fix the checks above" if code else "passed"))
    return code


if __name__ == "__main__":
    sys.exit(main())
