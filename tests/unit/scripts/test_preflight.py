"""scripts/preflight.py: each check against moto, or botocore's Stubber where moto lacks
the call (Lambda GetAccountSettings, SESv2 GetAccount, Service Quotas request history)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import preflight
import pytest
from botocore.stub import Stubber
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from preflight import Result, Status

REGION = "eu-west-1"
BACKEND_EXAMPLE = (
    Path(__file__).resolve().parents[3] / "terraform/environments/aws/backend.hcl.example"
)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield


# -- Lambda concurrency (moto has no GetAccountSettings: Stubber) --


def lambda_settings(limit: int, unreserved: int) -> Any:
    client = boto3.client("lambda", region_name=REGION)
    stubber = Stubber(client)
    stubber.add_response(
        "get_account_settings",
        {
            "AccountLimit": {
                "ConcurrentExecutions": limit,
                "UnreservedConcurrentExecutions": unreserved,
                "TotalCodeSize": 80530636800,
                "CodeSizeUnzipped": 262144000,
                "CodeSizeZipped": 52428800,
            },
            "AccountUsage": {"TotalCodeSize": 0, "FunctionCount": 0},
        },
    )
    stubber.activate()
    return client


def quota_history(requests: list[dict[str, Any]]) -> Any:
    client = boto3.client("service-quotas", region_name=REGION)
    stubber = Stubber(client)
    stubber.add_response(
        "list_requested_service_quota_change_history_by_quota",
        {"RequestedQuotas": requests},
        {"ServiceCode": "lambda", "QuotaCode": preflight.LAMBDA_CONCURRENCY_QUOTA},
    )
    stubber.activate()
    return client


def test_a_fresh_account_quota_deploys_but_warns_with_the_increase_to_request() -> None:
    result = preflight.check_lambda_concurrency(lambda_settings(10, 10), quota_history([]))

    assert result.status is Status.WARN
    assert "concurrency quota 10 (10 unreserved)" in result.detail
    assert "--quota-code L-B99A9384" in result.fix


def test_a_pending_increase_is_reported() -> None:
    history = quota_history([{"Status": "PENDING", "DesiredValue": 1000.0}])
    result = preflight.check_lambda_concurrency(lambda_settings(10, 10), history)
    assert "increase to 1000.0 requested" in result.detail


def test_the_standard_quota_passes() -> None:
    result = preflight.check_lambda_concurrency(lambda_settings(1000, 900), quota_history([]))
    assert result == Result(
        "lambda-concurrency", Status.PASS, "concurrency quota 1000 (900 unreserved)"
    )


def test_concurrency_reserved_elsewhere_fails() -> None:
    # Another stack reserved all but a few: the account cannot run ours at all.
    result = preflight.check_lambda_concurrency(lambda_settings(1000, 5), quota_history([]))
    assert result.status is Status.FAIL
    assert "release reserved concurrency" in result.fix


# -- SES (moto: identities; Stubber: GetAccount, which moto lacks) --


class SesClient:
    """SESv2 as preflight sees it: GetAccount stubbed, identities from moto."""

    def __init__(self, *, production: bool, sending: bool = True) -> None:
        self.identities = boto3.client("sesv2", region_name=REGION)
        self.account = boto3.client("sesv2", region_name=REGION)
        stubber = Stubber(self.account)
        stubber.add_response(
            "get_account",
            {
                "ProductionAccessEnabled": production,
                "SendingEnabled": sending,
                "DedicatedIpAutoWarmupEnabled": False,
            },
        )
        stubber.activate()

    def get_account(self) -> Any:
        return self.account.get_account()

    def get_email_identity(self, **kwargs: Any) -> Any:
        return self.identities.get_email_identity(**kwargs)


def create_identity(identity: str, *, verified: bool) -> None:
    """Terraform's aws_sesv2_email_identity; ``verified`` = the owner clicked the link
    (moto creates identities unverified for sending, as SES does)."""
    boto3.client("sesv2", region_name=REGION).create_email_identity(EmailIdentity=identity)
    if verified:
        backend = ses_backends[DEFAULT_ACCOUNT_ID][REGION]
        backend.email_identities[identity].verified_for_sending_status = True


def by_check(results: list[Result]) -> dict[str, Result]:
    return {result.check: result for result in results}


def test_unverified_sender_and_recipients_in_the_sandbox_fail(aws: None) -> None:  # noqa: ARG001
    create_identity("shop@example.org", verified=False)  # applied, link not clicked yet

    results = by_check(
        preflight.check_ses(SesClient(production=False), "shop@example.org", ["alice@example.net"])
    )

    assert results["ses-sending"].status is Status.PASS
    assert results["ses-sender"].status is Status.FAIL
    assert results["ses-sender"].detail == "shop@example.org is created but not verified"
    assert "click it" in results["ses-sender"].fix
    assert results["ses-recipients"].status is Status.FAIL
    assert results["ses-recipients"].detail == "SES sandbox, and not verified: alice@example.net"
    assert preflight.exit_code(list(results.values())) == 1


def test_a_missing_sender_identity_fails(aws: None) -> None:  # noqa: ARG001
    results = by_check(preflight.check_ses(SesClient(production=True), "shop@example.org", []))
    assert results["ses-sender"].detail == "shop@example.org is not created yet"
    assert results["ses-sender"].status is Status.FAIL


def test_verified_identities_pass(aws: None) -> None:  # noqa: ARG001
    create_identity("example.org", verified=True)  # the sender's domain
    create_identity("alice@example.net", verified=True)

    results = by_check(
        preflight.check_ses(SesClient(production=False), "shop@example.org", ["alice@example.net"])
    )

    assert results["ses-sender"] == Result(
        "ses-sender", Status.PASS, "shop@example.org: its domain example.org is verified"
    )
    assert results["ses-recipients"].status is Status.PASS


def test_sandbox_without_recipients_warns_and_production_passes(aws: None) -> None:  # noqa: ARG001
    create_identity("shop@example.org", verified=True)
    for production, expected in ((False, Status.WARN), (True, Status.PASS)):
        client = SesClient(production=production)
        results = by_check(preflight.check_ses(client, "shop@example.org", []))
        assert results["ses-recipients"].status is expected
        assert results["ses-sender"].status is Status.PASS


def test_paused_sending_fails(aws: None) -> None:  # noqa: ARG001
    results = by_check(preflight.check_ses(SesClient(production=True, sending=False), None, []))
    assert results["ses-sending"].status is Status.FAIL
    assert results["ses-sender"].status is Status.WARN


# -- Region support (botocore's endpoint data) --


def test_every_stack_service_is_offered_in_the_usual_regions() -> None:
    for region in ("eu-west-1", "us-east-1", "eu-central-1"):
        assert preflight.check_region_services(region).status is Status.PASS


def test_a_region_lacking_a_service_fails_naming_it() -> None:
    regions = {"wafv2": ["eu-west-1"], "sesv2": ["eu-west-1"]}

    def available(service: str, **_: Any) -> list[str]:
        return regions.get(service, ["eu-west-1", "xx-new-1"])

    result = preflight.check_region_services("xx-new-1", available_regions=available)

    assert result.status is Status.FAIL
    assert result.detail == "xx-new-1 lacks: sesv2, wafv2"


# -- Terraform state backend (moto's S3) --


def state_bucket(versioned: bool = True, encrypted: bool = True) -> Any:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="tf-state", CreateBucketConfiguration={"LocationConstraint": REGION})
    if versioned:
        s3.put_bucket_versioning(Bucket="tf-state", VersioningConfiguration={"Status": "Enabled"})
    if encrypted:
        s3.put_bucket_encryption(
            Bucket="tf-state",
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
            },
        )
    return s3


def test_a_versioned_encrypted_bucket_with_lockfile_passes(aws: None) -> None:  # noqa: ARG001
    result = preflight.check_state_backend(state_bucket(), "tf-state", REGION, use_lockfile=True)
    assert result.status is Status.PASS


def test_a_missing_bucket_fails_with_the_commands_to_create_it(aws: None) -> None:  # noqa: ARG001
    s3 = boto3.client("s3", region_name=REGION)
    result = preflight.check_state_backend(s3, "tf-state", REGION, use_lockfile=True)
    assert result.status is Status.FAIL
    assert "does not exist" in result.detail
    assert "LocationConstraint=eu-west-1" in result.fix
    assert "put-bucket-versioning" in result.fix


def test_unversioned_unencrypted_lockless_or_misplaced_state_fails(aws: None) -> None:  # noqa: ARG001
    s3 = state_bucket(versioned=False, encrypted=False)
    result = preflight.check_state_backend(s3, "tf-state", "us-east-1", use_lockfile=False)
    assert result.status is Status.FAIL
    for problem in ("in eu-west-1", "versioning is off", "no default encryption", "use_lockfile"):
        assert problem in result.detail
    assert "use_lockfile = true" in result.fix


def test_no_access_to_the_bucket_fails() -> None:
    s3 = boto3.client("s3", region_name=REGION)
    stubber = Stubber(s3)
    stubber.add_client_error("head_bucket", "403", http_status_code=403)
    stubber.activate()
    result = preflight.check_state_backend(s3, "someone-elses", REGION, use_lockfile=True)
    assert result.status is Status.FAIL
    assert "no access" in result.detail


def test_the_backend_example_parses_with_native_locking() -> None:
    settings = preflight.parse_backend_config(BACKEND_EXAMPLE.read_text())
    assert settings["use_lockfile"] == "true"
    assert settings["region"] == "eu-west-1"
    assert settings["bucket"].startswith("my-terraform-state-")


# -- the command --


def test_main_reports_every_check_and_exits_non_zero_on_failure(
    aws: None,  # noqa: ARG001
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state_bucket(versioned=False)
    backend = tmp_path / "backend.hcl"
    backend.write_text(f'bucket = "tf-state"\nregion = "{REGION}"\nuse_lockfile = true\n')
    monkeypatch.setattr(
        preflight,
        "check_lambda_concurrency",
        lambda *_: Result("lambda-concurrency", Status.PASS, "ok"),
    )
    monkeypatch.setattr(
        preflight, "check_ses", lambda *_: [Result("ses-sender", Status.PASS, "ok")]
    )

    code = preflight.main(["--region", REGION, "--backend-config", str(backend)])

    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL  state-backend" in out
    assert "-> aws s3api put-bucket-versioning --bucket tf-state" in out
    assert "PASS  region-services" in out
    assert "preflight FAILED" in out


def test_an_unanswerable_check_fails_instead_of_crashing(aws: None) -> None:  # noqa: ARG001
    # moto implements neither Lambda GetAccountSettings nor SESv2 GetAccount: the checks
    # that need them report a failure, the others still run.
    args = preflight.parse_args(["--region", REGION, "--state-bucket", "missing"])
    results = by_check(preflight.run_checks(args, boto3.session.Session(region_name=REGION)))
    assert results["lambda-concurrency"].status is Status.FAIL
    assert results["lambda-concurrency"].detail.startswith("could not check")
    assert results["state-backend"].status is Status.FAIL


def test_warnings_fail_only_when_strict() -> None:
    results = [Result("a", Status.PASS, ""), Result("b", Status.WARN, "", "do x")]
    out = io.StringIO()
    preflight.report(results, out)
    assert "WARN  b  " in out.getvalue()
    assert "-> do x" in out.getvalue()
    assert preflight.exit_code(results) == 0
    assert preflight.exit_code(results, strict=True) == 1
