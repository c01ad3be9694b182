#!/usr/bin/env bash
# Installs pim-lint for the GitHub Action (action.yml): the release binary built for this runner's
# OS and architecture, checked against the SHA-256 published beside it; when the release has no
# binary for the runner, `cargo install` of the same tag. The binary lands in
# $RUNNER_TEMP/pim-lint/bin, which is added to PATH for the steps that follow.
#
# Everything comes from the environment, never from text spliced into the script:
#   PIM_LINT_VERSION   the action's `version` input: a release tag (v0.1.0), `source`, or empty
#   ACTION_REF         github.action_ref: the ref the workflow named the action at
#   ACTION_REPOSITORY  github.action_repository: where the releases are (owner/name)
#   RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_ACTION_PATH, GITHUB_PATH: set by the runner
#
# Which release: an explicit `version`; else the action's ref when it is a version tag (v0.1.0);
# else — a commit SHA, a branch, a major tag such as v1, or no ref at all (composite actions do not
# always see theirs) — the version in the action's own Cargo.toml, i.e. the release that commit
# belongs to. `version: source` builds the action's own checkout instead (used by this
# repository's CI to test the code of a pull request).
set -euo pipefail

fail() {
  echo "::error title=pim-lint::$1"
  exit 1
}

repo=${ACTION_REPOSITORY:-}
[[ -n $repo ]] || repo=pim-lint/pim-lint
[[ $repo =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || fail "unexpected action repository name"

root="$RUNNER_TEMP/pim-lint"
bin="$root/bin"
mkdir -p "$bin"

crate_version() {
  awk -F'"' '/^version = "/ { print $2; exit }' "$GITHUB_ACTION_PATH/Cargo.toml"
}

cargo_install() {
  command -v cargo >/dev/null || fail "cargo is needed to build pim-lint for this runner (install a Rust toolchain first, e.g. with rustup)"
  cargo install --locked --root "$root" "$@"
}

finish() {
  echo "$bin" >>"$GITHUB_PATH"
  "$bin/pim-lint" --version
}

if [[ ${PIM_LINT_VERSION:-} == source ]]; then
  echo "Building pim-lint from the action's own source ($GITHUB_ACTION_PATH)"
  cargo_install --path "$GITHUB_ACTION_PATH"
  finish
  exit 0
fi

version=${PIM_LINT_VERSION:-}
if [[ -n $version ]]; then
  [[ $version =~ ^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] ||
    fail "version must be a release tag such as v0.1.0, or source"
elif [[ ${ACTION_REF:-} =~ ^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
  version=$ACTION_REF
else
  version=$(crate_version)
  [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] ||
    fail "cannot read the version from the action's Cargo.toml"
fi
tag="v${version#v}"

case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-gnu ;;
  Linux/ARM64) target=aarch64-unknown-linux-gnu ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) target= ;;
esac

sha256() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$1" | cut -d ' ' -f 1
  else
    shasum -a 256 "$1" | cut -d ' ' -f 1
  fi
}

download() {
  curl --fail --silent --show-error --location --retry 3 --output "$2" "$1"
}

if [[ -n $target ]]; then
  if [[ $RUNNER_OS == Windows ]]; then ext=zip exe=.exe; else ext=tar.gz exe=; fi
  asset="pim-lint-$target.$ext"
  url="https://github.com/$repo/releases/download/$tag/$asset"
  work="$RUNNER_TEMP/pim-lint-download"
  rm -rf "$work"
  mkdir -p "$work"
  echo "Downloading $url"
  if download "$url" "$work/$asset" && download "$url.sha256" "$work/$asset.sha256"; then
    expected=$(cut -d ' ' -f 1 <"$work/$asset.sha256")
    actual=$(sha256 "$work/$asset")
    # A checksum that does not match is never papered over by building from source.
    [[ $expected == "$actual" ]] || fail "SHA-256 of $asset is $actual, the release says $expected"
    if [[ $ext == zip ]]; then
      if command -v unzip >/dev/null; then
        unzip -q "$work/$asset" -d "$work"
      else
        # shellcheck disable=SC2016 # PowerShell, not bash, expands $env:ARCHIVE and $env:DEST
        ARCHIVE="$work/$asset" DEST="$work" pwsh -NoProfile -Command \
          'Expand-Archive -LiteralPath $env:ARCHIVE -DestinationPath $env:DEST'
      fi
    else
      tar -xzf "$work/$asset" -C "$work"
    fi
    cp "$work/pim-lint-$target/pim-lint$exe" "$bin/pim-lint$exe"
    chmod +x "$bin/pim-lint$exe"
    rm -rf "$work"
    finish
    exit 0
  fi
  echo "::notice title=pim-lint::no $asset in release $tag of $repo; building it with cargo install"
else
  echo "::notice title=pim-lint::no release binary for $RUNNER_OS/$RUNNER_ARCH; building pim-lint $tag with cargo install"
fi
cargo_install --git "https://github.com/$repo" --tag "$tag" pim-lint
finish
