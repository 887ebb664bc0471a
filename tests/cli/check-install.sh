#!/usr/bin/env bash
# CI: a Release build (-O3, warnings are errors) with the compiler given,
# `cmake --install` into a temporary prefix, and checks of what it
# installed: the binary renders, the manual page formats without
# warnings (man -l), the completion scripts are in place and parse.
# usage: check-install.sh gcc|clang
set -euo pipefail
cc=$1
cd "$(dirname "$0")/../.."
build=build-release-$cc
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
CC=$cc cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
  -DPLEO_INSTALL_KUSTOMIZE_LINK=ON >/dev/null
cmake --build "$build" -j2 >/dev/null
cmake --install "$build" --prefix "$prefix" >/dev/null
"$prefix/bin/pleo-render" build environments/minikube | cmp -s - tests/golden/environments/minikube.yaml \
  || { echo "FAIL: $cc Release build renders minikube differently"; exit 1; }
[ "$("$prefix/bin/kustomize" version)" = v5.5.0 ] || { echo "FAIL: installed kustomize link"; exit 1; }
page=$prefix/share/man/man1/pleo-render.1
warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
[ -z "$warnings" ] || { echo "FAIL: man page warnings:"; echo "$warnings"; exit 1; }
for section in BUILD EDIT DIFF VERSION HELP; do
  MANWIDTH=80 man -l "$page" 2>/dev/null | grep -q "^$section" || { echo "FAIL: man page lacks $section"; exit 1; }
done
bash -n "$prefix/share/bash-completion/completions/pleo-render"
[ -f "$prefix/share/zsh/site-functions/_pleo-render" ] || { echo "FAIL: zsh completion not installed"; exit 1; }
echo "$cc: Release build, install and man page OK"
