#!/usr/bin/env bash
# The --git scenario: builds a repository with two commits from git/one and
# git/two, then checks `pleo-render diff --git` against the expectations in
# git/ (byte for byte), root discovery (added, removed, ignored and untracked
# roots), roots given from a subdirectory, a root failing on one side, bad
# revisions, and that neither the work tree nor the index is touched. The
# diff of the two commits must also equal the diff of their `git archive`
# exports, so a revision renders exactly as its checkout.
# usage: check-diff-git.sh PLEO_RENDER SCENARIO_DIR   (REGEN=1 rewrites)
set -u
bin=$(realpath "$1") dir=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_DATE="2024-01-01T00:00:00Z" GIT_COMMITTER_DATE="2024-01-01T00:00:00Z"
fail=0
repo=$tmp/repo
mkdir "$repo" && cd "$repo" || exit 1
git -c init.defaultBranch=main init -q . && git config user.email ci@pleo.test && git config user.name ci || exit 1
cp -r "$dir/one/." . && git add -A && git commit -qm one
git rm -rqf . && cp -r "$dir/two/." . && git add -A && git commit -qm two

# expect NAME STATUS ARGS...: run from the current directory, compare stdout
# with expected.NAME (and stderr with expected.NAME.stderr when it exists).
expect() {
  local name=$1 status=$2
  shift 2
  "$bin" diff "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "${REGEN:-0}" = 1 ]; then
    cp "$tmp/out" "$dir/expected.$name"
    if [ -s "$tmp/err" ]; then cp "$tmp/err" "$dir/expected.$name.stderr"; else rm -f "$dir/expected.$name.stderr"; fi
    [ $rc = "$status" ] || echo "NOTE: $name exits $rc, expected $status"
    return
  fi
  [ $rc = "$status" ] || { echo "FAIL: $name: exit $rc, expected $status"; cat "$tmp/err"; fail=1; }
  cmp -s "$tmp/out" "$dir/expected.$name" ||
    { echo "FAIL: $name: stdout differs"; diff -u "$dir/expected.$name" "$tmp/out" | head -40; fail=1; }
  if [ -f "$dir/expected.$name.stderr" ]; then
    cmp -s "$tmp/err" "$dir/expected.$name.stderr" ||
      { echo "FAIL: $name: stderr differs"; diff -u "$dir/expected.$name.stderr" "$tmp/err"; fail=1; }
  elif [ -s "$tmp/err" ]; then
    echo "FAIL: $name: unexpected stderr:"; cat "$tmp/err"; fail=1
  fi
}

# Between the commits: a root removed (legacy), one added (staging), a
# generator literal renaming a ConfigMap by hash, an image bump.
expect commits 1 --git HEAD~1 HEAD
expect commits.json 1 --format json --git HEAD~1 HEAD
expect commits.markdown 1 --format markdown --git HEAD~1 HEAD

# The same diff from the commits' exports, as plain directories.
mkdir "$tmp/old" "$tmp/new"
git archive HEAD~1 | tar -x -C "$tmp/old" && git archive HEAD | tar -x -C "$tmp/new"
"$bin" diff --git HEAD~1 HEAD >"$tmp/git.out" 2>&1
"$bin" diff "$tmp/old" "$tmp/new" >"$tmp/dirs.out" 2>&1
cmp -s "$tmp/git.out" "$tmp/dirs.out" ||
  { echo "FAIL: --git and the exported trees differ"; diff -u "$tmp/dirs.out" "$tmp/git.out" | head; fail=1; }

# Roots given relative to the current directory, as git takes paths.
(cd envs && expect subdir 1 --git HEAD~1 HEAD -- production)
(cd envs && expect subdir-no-dashdash 1 --git HEAD~1 production)
# An absolute path inside the work tree, as git takes one: the same root.
(cd envs && expect subdir 1 --git HEAD~1 HEAD -- "$PWD/production")
# A directory that is no kustomization stands for the roots below it.
expect prefix.json 1 --format json --git HEAD~1 HEAD -- envs
expect same-commit 0 --git HEAD HEAD

# The work tree as REV2: an uncommitted edit, an untracked root, and an
# ignored one and one in a hidden directory (as build --all skips them)
# that must not be discovered. Nothing may be written.
sed -i 's/latest/v.1.0.3/' envs/dev/kustomization.yaml
mkdir -p envs/canary scratch .ops && cp envs/staging/kustomization.yaml envs/canary/
printf 'namespace: scratch\nresources:\n- ../base\n' > scratch/kustomization.yaml
printf 'namespace: ops\nresources:\n- ../base\n' > .ops/kustomization.yaml
printf 'scratch/\n' > .gitignore
before=$(git --no-optional-locks status --porcelain; stat -c '%Y %s' .git/index; sha256sum .git/index; git rev-parse HEAD)
expect worktree 1 --git HEAD
# A root that fails on one side: the others are printed, then exit 2.
cp envs/dev/kustomization.yaml "$tmp/dev.yaml"
printf 'resources:\n- ../../nowhere\n' > envs/dev/kustomization.yaml
expect worktree-broken 2 --git HEAD
cp "$tmp/dev.yaml" envs/dev/kustomization.yaml
after=$(git --no-optional-locks status --porcelain; stat -c '%Y %s' .git/index; sha256sum .git/index; git rev-parse HEAD)
[ "$before" = "$after" ] || { echo "FAIL: the work tree or the index changed"; fail=1; }

# Usage errors and bad revisions exit 2 with a message.
expect bad-rev 2 --git no-such-rev
expect no-root 2 --git HEAD -- envs/nowhere
(cd "$tmp" && expect not-a-repo 2 --git HEAD)
expect bad-format 2 --format yaml --git HEAD
exit $fail
