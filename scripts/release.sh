#!/usr/bin/env bash
# Tags a release: scripts/release.sh 1.2.3 [--push]
#
# Before running: package.json and src/version.ts say 1.2.3, CHANGELOG.md has a
# "## [1.2.3]" section, and all of it is committed on main. The script then
#   1. refuses a dirty tree, another branch, a version mismatch or an existing tag;
#   2. rebuilds dist/ and refuses if it differs from the committed one;
#   3. creates the annotated tag v1.2.3 and moves the major tag v1 to it;
#   4. with --push, pushes both (v1 with --force, as it moves); else prints the commands.
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
git tag -fa "$major" -m "Move $major to $tag" "$tag^{}"
echo "Tagged $tag and moved $major to it."

if [[ "$push" == "--push" ]]; then
  git push origin "refs/tags/$tag"
  git push --force origin "refs/tags/$major"
else
  echo "To publish: git push origin refs/tags/$tag && git push --force origin refs/tags/$major"
fi
