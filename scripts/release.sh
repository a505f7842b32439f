#!/usr/bin/env bash
# Tags a release: scripts/release.sh 1.2.3 [--push]
#
# Before running: package.json and src/version.ts say 1.2.3, CHANGELOG.md has a
# "## [1.2.3]" section, and all of it is committed on main. The script then
#   1. refuses a dirty tree, another branch, a version mismatch or an existing tag;
#   2. rebuilds dist/ and refuses if it differs from the committed one;
#   3. creates the annotated tag v1.2.3;
#   4. with --push, pushes that tag alone; else prints the command.
# Pushing the tag starts .github/workflows/release.yml, which is the source of
# truth for everything after: it rebuilds and tests the tag, attests dist/index.js,
# publishes the release, and only then moves the major tag v1. This script never
# touches v1, so @v1 cannot point at a release that has not passed that workflow.
set -euo pipefail

die() { echo "release: $*" >&2; exit 1; }

version="${1:-}"
push="${2:-}"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "usage: scripts/release.sh X.Y.Z [--push]"
[[ -z "$push" || "$push" == "--push" ]] || die "unknown option: $push"
tag="v$version"
major="v${version%%.*}"
branch="${RELEASE_BRANCH:-main}"

cd "$(git rev-parse --show-toplevel)"
[[ -z "$(git status --porcelain)" ]] || die "the work tree has uncommitted changes"
[[ "$(git rev-parse --abbrev-ref HEAD)" == "$branch" ]] || die "releases are cut from $branch"
! git rev-parse -q --verify "refs/tags/$tag" >/dev/null || die "tag $tag exists already"

package_version=$(node -p "require('./package.json').version")
[[ "$package_version" == "$version" ]] || die "package.json says $package_version, not $version"
grep -q "ACTION_VERSION = '$version'" src/version.ts || die "src/version.ts does not say $version"
grep -q "^## \[$version\]" CHANGELOG.md || die "CHANGELOG.md has no '## [$version]' section"

npm run build --silent
[[ -z "$(git status --porcelain -- dist)" ]] || die "dist/ differs from a fresh build: run 'npm run build' and commit dist/"

git tag -a "$tag" -m "Release $tag"
echo "Tagged $tag."

if [[ "$push" == "--push" ]]; then
  git push origin "refs/tags/$tag"
  echo "Pushed $tag: the Release workflow now tests it, publishes the release and moves $major."
else
  echo "To publish: git push origin refs/tags/$tag (the Release workflow then moves $major)"
fi
